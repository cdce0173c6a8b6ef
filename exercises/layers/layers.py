"""Assignment, part 2: backpropagation through neural-network layers.

Each layer is a pair of functions:

    out, cache = xxx_forward(inputs)   compute the output, and keep in `cache`
                                       whatever the backward pass will need
    grads = xxx_backward(dout, cache)  given dout = dL/dout (same shape as out),
                                       return dL/d(each input)

The chain rule says: gradient = local gradient * upstream dout. A parameter
that is used for every example of the batch (a bias, gamma, beta) was used N
times, and gradients add where a value is used more than once: sum over the
batch axis so its gradient has the parameter's own shape.

softmax_loss is the end of the network, so it returns the loss and its
gradient dx in one call.

Rules:

* Everything is float64, in and out.
* Never modify an input, dout or anything in the cache in place: the grader
  calls each backward twice on the same cache and expects the same answer.
* Use only NumPy.

Replace each `raise NotImplementedError(...)` with your code. The grader checks
every backward against a numerical gradient, and checks numerical stability
with very large inputs: run `grade check layers.py`, or, in the notebook, the
check cell under each function.
"""

import numpy as np


def affine_forward(x, w, b):
    """Forward pass of a fully connected (affine) layer.

    Inputs:
      x: float64 array of shape (N, d_1, ..., d_k), a batch of N examples.
        Flatten each example: x_flat of shape (N, D) with D = d_1 * ... * d_k.
      w: float64 array of shape (D, M), the weights.
      b: float64 array of shape (M,), the biases.
    Outputs:
      out: float64 array of shape (N, M), out = x_flat @ w + b.
      cache: whatever affine_backward needs.
    """
    # TODO: flatten x to (N, D), multiply by w, add b; choose what to cache.
    raise NotImplementedError("affine_forward")


def affine_backward(dout, cache):
    """Backward pass of the affine layer.

    Inputs:
      dout: float64 array of shape (N, M), the upstream gradient dL/dout.
      cache: what affine_forward returned.
    Outputs:
      dx: float64 array of x's ORIGINAL shape (N, d_1, ..., d_k): compute it
        as (N, D) and reshape back.
      dw: float64 array of shape (D, M).
      db: float64 array of shape (M,): b was added to every one of the N rows,
        so sum dout over axis 0.
    Check the shapes: the only way to combine dout (N, M) and w (D, M) into an
    (N, D) result is dout @ w.T; likewise dw is x_flat.T @ dout.
    """
    # TODO: dx, dw, db.
    raise NotImplementedError("affine_backward")


def relu_forward(x):
    """Forward pass of a ReLU: out = max(x, 0), elementwise.

    Inputs:
      x: float64 array of any shape.
    Outputs:
      out: float64 array of x's shape.
      cache: whatever relu_backward needs.
    """
    # TODO: compute out and choose what to cache.
    raise NotImplementedError("relu_forward")


def relu_backward(dout, cache):
    """Backward pass of a ReLU.

    Inputs:
      dout: float64 array of x's shape, the upstream gradient dL/dout.
      cache: what relu_forward returned.
    Outputs:
      dx: float64 array of x's shape. The local gradient is 1 where x > 0 and
        0 elsewhere, including at x == 0 exactly (use the mask x > 0).
    """
    # TODO: local gradient (the mask) times dout.
    raise NotImplementedError("relu_backward")


def sigmoid_forward(x):
    """Forward pass of the sigmoid: out = 1 / (1 + exp(-x)), elementwise.

    Inputs:
      x: float64 array of any shape; entries may be as large as +-1e3 or more.
    Outputs:
      out: float64 array of x's shape, every entry in [0, 1].
      cache: whatever sigmoid_backward needs.

    Numerical stability: exp(-x) overflows (with a warning) for x < -709.
    exp(-|x|) never does, and it is all you need: for x >= 0 use
    1 / (1 + exp(-x)), for x < 0 use exp(x) / (1 + exp(x)).
    """
    # TODO: compute out without overflow; choose what to cache.
    raise NotImplementedError("sigmoid_forward")


def sigmoid_backward(dout, cache):
    """Backward pass of the sigmoid.

    Inputs:
      dout: float64 array of x's shape, the upstream gradient dL/dout.
      cache: what sigmoid_forward returned.
    Outputs:
      dx: float64 array of x's shape. With s = sigmoid(x), the local gradient
        is s * (1 - s), so cache s in the forward pass.
    """
    # TODO: local gradient times dout.
    raise NotImplementedError("sigmoid_backward")


def softmax_loss(x, y):
    """Softmax cross-entropy loss, averaged over the batch, and its gradient.

    Inputs:
      x: float64 array of shape (N, C), the scores (logits) of N examples over
        C classes; they may be as large as 1e3.
      y: integer array of shape (N,), the correct class of each example, each
        in [0, C).
    Outputs:
      loss: a float (or np.float64), the mean over the N examples of
        -log softmax(x)[i, y[i]].
      dx: float64 array of shape (N, C), dloss/dx.

    Numerical stability: softmax is unchanged when a row of x is shifted by a
    constant, so subtract each row's max (keepdims=True) before exponentiating;
    then compute log-probabilities as shifted - log(sum(exp(shifted))).
    Gradient: for each row, softmax(x) minus 1 at the correct class; the loss is
    a mean, so divide by N.
    """
    # TODO: stable log-softmax, loss, then dx.
    raise NotImplementedError("softmax_loss")


def batchnorm_forward(x, gamma, beta, bn_param):
    """Forward pass of batch normalisation.

    Inputs:
      x: float64 array of shape (N, D), N examples with D features.
      gamma: float64 array of shape (D,), the scale.
      beta: float64 array of shape (D,), the shift.
      bn_param: dict with keys
        'mode': 'train' or 'test' (required; raise ValueError otherwise);
        'eps': float added to the variance (default 1e-5);
        'momentum': float (default 0.9);
        'running_mean', 'running_var': float64 arrays of shape (D,)
          (default np.zeros(D) when absent).
    Outputs:
      out: float64 array of shape (N, D), out = gamma * x_hat + beta.
      cache: whatever batchnorm_backward needs (only train mode has a backward).

    Train mode: per feature (axis 0, the batch), mean = x.mean(axis=0) and the
    biased variance var = x.var(axis=0); x_hat = (x - mean) / np.sqrt(var + eps).
    Then update the running statistics,
      running_mean = momentum * running_mean + (1 - momentum) * mean
    (the same for running_var with var) and store them in bn_param by assigning
    new arrays (bn_param['running_mean'] = ...), not by editing the caller's
    arrays in place.
    Test mode: normalise with running_mean and running_var instead, and leave
    them unchanged.
    """
    # TODO: read bn_param, then the train and test branches.
    raise NotImplementedError("batchnorm_forward")


def batchnorm_backward(dout, cache):
    """Backward pass of train-mode batch normalisation.

    Inputs:
      dout: float64 array of shape (N, D), the upstream gradient dL/dout.
      cache: what batchnorm_forward returned in train mode.
    Outputs:
      dx: float64 array of shape (N, D).
      dgamma: float64 array of shape (D,).
      dbeta: float64 array of shape (D,).

    gamma and beta are used for every example, so sum over axis 0:
    dbeta = sum(dout), dgamma = sum(dout * x_hat). For dx remember that the
    batch mean and variance depend on every x in the column, so each x reaches
    the loss through x_hat directly, through the mean and through the variance;
    add the three paths. Derive it on paper first: written in terms of x_hat,
    inv_std = 1 / sqrt(var + eps), dbeta and dgamma it fits on one line.
    """
    # TODO: dbeta, dgamma, then dx.
    raise NotImplementedError("batchnorm_backward")
