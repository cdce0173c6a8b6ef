# Source of layers.py and layers.ipynb (jupytext "percent" format). Edit this file, then run
# `grade build-exercises layers`; never edit the generated files by hand.

# %% [markdown]
# # Assignment, part 2: backpropagation through neural-network layers
#
# Each layer is a pair of functions:
#
#     out, cache = xxx_forward(inputs)   compute the output, and keep in `cache`
#                                        whatever the backward pass will need
#     grads = xxx_backward(dout, cache)  given dout = dL/dout (same shape as out),
#                                        return dL/d(each input)
#
# The chain rule says: gradient = local gradient * upstream dout. A parameter
# that is used for every example of the batch (a bias, gamma, beta) was used N
# times, and gradients add where a value is used more than once: sum over the
# batch axis so its gradient has the parameter's own shape.
#
# softmax_loss is the end of the network, so it returns the loss and its
# gradient dx in one call.
#
# Rules:
#
# * Everything is float64, in and out.
# * Never modify an input, dout or anything in the cache in place: the grader
#   calls each backward twice on the same cache and expects the same answer.
# * Use only NumPy.
#
# Replace each `raise NotImplementedError(...)` with your code. The grader checks
# every backward against a numerical gradient, and checks numerical stability
# with very large inputs: run `grade check layers.py`, or, in the notebook, the
# check cell under each function.

# %% [setup]
import numpy as np

# %% [markdown]
# ## Working in this notebook
#
# Write each function in its cell and run the cell. The check cell under it,
# `notebook.check("affine_forward");`, grades the code you have *run* in this
# notebook (re-running a cell replaces the old definition) on the public cases,
# and explains every failure with a hint. It shows the checks of the layer's
# forward and backward together; a backward whose cell you have not run yet is
# left out, and one you have run but not written yet is listed as not
# implemented, which is expected. The hidden checks, on fresh inputs, run when
# you submit.
#
# Two habits make backward passes much easier:
#
# * **Draw the graph** of the forward pass, then go through it from the output
#   back, one node at a time: each node multiplies the gradient arriving from
#   above (dout) by its local gradient.
# * **Check shapes.** A gradient has the shape of what it is the gradient of (dw
#   has w's shape). Often the shapes leave only one way to combine the arrays.

# %% [markdown]
# ## Affine (fully connected) layer
#
#     x (N, d_1, ..., d_k) --reshape--> x_flat (N, D) ──┐
#                                                      (@)── (N, M) ──┐
#                                            w (D, M) ──┘            (+)── out (N, M)
#                               b (M,) ── broadcast over the N rows ──┘
#
# Each of the N examples is flattened into a row of D = d_1 * ... * d_k numbers
# (`x.reshape(N, -1)`), so the layer is one matrix product plus a bias added to
# every row. Backward, node by node from the right:
#
# * **(+)** passes dout to both inputs. b was broadcast over the N rows, i.e. used
#   N times, so its gradients add: db = dout summed over axis 0, shape (M,).
# * **(@)**: out[n, m] = sum over d of x_flat[n, d] * w[d, m]. So
#   dx_flat[n, d] = sum over m of dout[n, m] * w[d, m], which is `dout @ w.T`,
#   shape (N, D); and dw[d, m] = sum over n of x_flat[n, d] * dout[n, m], which is
#   `x_flat.T @ dout`, shape (D, M). The shapes alone pin these down: dout is
#   (N, M) and w is (D, M), and `dout @ w.T` is the only product giving (N, D).
#   The sum over n in dw is, again, gradients adding: w is used by every example.
# * **reshape** moves no numbers, so its backward only reshapes dx_flat back to
#   x's original shape.

# %% [stub]
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

# %% [check]
from grader import notebook
notebook.check("affine_forward");

# %% [stub]
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

# %% [check]
from grader import notebook
notebook.check("affine_backward");

# %% [markdown]
# ## ReLU: out = max(x, 0)
#
# A max gate against the constant 0. Where x > 0, out = x (local gradient 1);
# where x < 0, out = 0 whatever x does (local gradient 0). So dx = dout where
# x > 0 and 0 elsewhere: `(x > 0) * dout`. Cache x (or the mask).
#
# At x == 0 exactly, ReLU has a kink and no derivative: any value in [0, 1] is a
# valid subgradient. The convention (CS231n's, PyTorch's, and this grader's,
# which tests it) is 0: use the strict mask x > 0, not x >= 0. Exact zeros do
# happen (zero padding, inputs that are themselves ReLU outputs), so the choice
# shows.

# %% [stub]
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

# %% [check]
from grader import notebook
notebook.check("relu_forward");

# %% [stub]
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

# %% [check]
from grader import notebook
notebook.check("relu_backward");

# %% [markdown]
# ## Sigmoid: s = 1 / (1 + exp(-x))
#
# **The derivative.** Write s = 1/u with u = 1 + e^(-x), so du/dx = -e^(-x):
#
# $$\frac{ds}{dx} = -\frac{1}{u^2}\frac{du}{dx} = \frac{e^{-x}}{(1+e^{-x})^2}
#   = \frac{1}{1+e^{-x}} \cdot \frac{e^{-x}}{1+e^{-x}} = s\,(1-s),$$
#
# because 1 - s = (1 + e^(-x) - 1) / (1 + e^(-x)) = e^(-x) / (1 + e^(-x)). The
# backward needs only s: cache out, and dx = out * (1 - out) * dout. The local
# gradient is at most 1/4 (at x = 0) and vanishes for large |x|, where the
# sigmoid saturates.
#
# **Stability.** For x < -709, exp(-x) overflows to inf (NumPy warns). Only ever
# exponentiate -|x| <= 0, whose exp lies in (0, 1]: for x >= 0,
# s = 1 / (1 + exp(-x)); for x < 0, multiply top and bottom by exp(x) to get
# s = exp(x) / (1 + exp(x)). `np.where(x >= 0, ..., ...)` picks one formula per
# element, but it evaluates *both* on every element, so compute z = exp(-|x|)
# once and write both formulas in terms of z.

# %% [stub]
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

# %% [check]
from grader import notebook
notebook.check("sigmoid_forward");

# %% [stub]
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

# %% [check]
from grader import notebook
notebook.check("sigmoid_backward");

# %% [markdown]
# ## Softmax cross-entropy loss
#
# For example i with scores x_i (a row of C numbers) and correct class y_i:
#
#     x_i ──> p_i = exp(x_i) / sum_j exp(x_ij) ──> L_i = -log p_i[y_i] ──┐
#                                                                     (mean over N)── L
#     (the other N - 1 rows, the same way) ───────────────────────────┘
#
# **Stability.** exp(1000) is inf, and inf / inf is nan. But softmax does not
# change when the same constant c is subtracted from a whole row, since the factor
# e^(-c) cancels between numerator and denominator:
# exp(x_j - c) / sum_k exp(x_k - c) = exp(x_j) / sum_k exp(x_k). With c = the
# row's max, the largest exponent is exp(0) = 1: nothing overflows, and the sum is
# at least 1. Then take logs algebraically (log-sum-exp) rather than log(p): a
# very wrong class can have p underflow to exactly 0, and log(0) = -inf.
#
#     shifted = x - x.max(axis=1, keepdims=True)    # (N, C) - (N, 1): one max per row
#     log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
#
# keepdims matters: x.max(axis=1) has shape (N,), which NumPy lines up with the
# *last* axis of (N, C), the classes: an error, or silently wrong when N == C.
#
# **The gradient.** For one row, -log p_y = -x_y + log sum_k exp(x_k), so
#
# $$\frac{\partial L_i}{\partial x_{ij}} = p_{ij} - [\,j = y_i\,],$$
#
# where [j = y_i] is 1 for the correct class and 0 for the others: the
# probabilities, minus 1 at the correct class. (The shift c does not appear:
# the loss does not depend on it, so there is nothing to backpropagate through
# the max.) L is the *mean* of the N losses, so dL/dL_i = 1/N: divide the whole
# gradient by N. Forgetting it makes dx N times too large.

# %% [stub]
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

# %% [check]
from grader import notebook
notebook.check("softmax_loss");

# %% [markdown]
# ## Batch normalisation
#
# Per feature (column), over the batch (axis 0): normalise to mean 0 and variance
# 1, then scale and shift with the learned gamma and beta, each of shape (D,).
#
#     mu = x.mean(axis=0)                         # (D,)
#     var = x.var(axis=0)                         # (D,), biased: divides by N
#     x_hat = (x - mu) / np.sqrt(var + eps)       # (N, D)
#     out = gamma * x_hat + beta                  # (N, D)
#
# eps keeps the division finite when a feature is constant over the batch
# (var = 0); the grader checks that case.
#
# **Train and test mode.** Train mode normalises with the batch's mu and var,
# and updates running averages of them in bn_param (with momentum, as the
# docstring says). Test mode normalises with those running averages instead, so
# that one example's output does not depend on the rest of its batch. Assign new
# arrays to `bn_param['running_mean']` and `bn_param['running_var']` rather than
# editing the old ones in place: the caller may still hold them.
#
# **The graph.** x is used three times: directly in x - mu, in mu, and in var;
# and mu is used twice, in x - mu and in var:
#
#     x ──┬──────────────────────> (x - mu) ──┐
#         ├──> mu ──┬──────────────────┘     (*) ──> x_hat ──> gamma * x_hat + beta ──> out
#         │         v                         │
#         └──────> var ──> inv_std ───────────┘      where inv_std = 1 / sqrt(var + eps)
#
# **Backward.** gamma and beta are broadcast over the N rows, so their gradients
# sum over axis 0: dbeta = sum of dout, dgamma = sum of dout * x_hat. For dx, let
# g = dL/dx_hat = gamma * dout and walk the graph back; gradients add at every
# node that is used more than once (all sums over the batch, one per feature):
#
#     dvar = sum_i g_i * (x_i - mu) * (-1/2) * (var + eps) ** (-3/2)
#     dmu  = sum_i g_i * (-inv_std)  +  dvar * mean_i(-2 * (x_i - mu))    # second term is 0
#     dx_j = g_j * inv_std  +  dmu / N  +  dvar * 2 * (x_j - mu) / N
#            (directly)        (via mu)    (via var)
#
# The second term of dmu vanishes because deviations from the mean sum to 0.
# These lines already make a correct backward; substituting x_hat and inv_std
# simplifies dx to a single line.

# %% [stub]
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

# %% [check]
from grader import notebook
notebook.check("batchnorm_forward");

# %% [stub]
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

# %% [check]
from grader import notebook
notebook.check("batchnorm_backward");

# %% [markdown]
# ## Everything at once
#
# The public checks of every layer you have written, with the total score.

# %% [check]
from grader import notebook
notebook.check();
