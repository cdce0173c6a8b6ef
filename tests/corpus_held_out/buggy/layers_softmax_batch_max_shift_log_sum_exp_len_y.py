"""Reference solution: neural-network layers with a forward and a backward pass.

Same pattern as the gates:

    forward(inputs)    -> (out, cache)   compute out; cache what backward needs
    backward(dout, cache) -> gradients   local gradient times upstream dout (chain rule)

softmax_loss is the end of the graph, so it returns (loss, dx) directly.
Everything is float64. Nothing is modified in place: not the inputs, not dout,
not the cache, so backward can be called twice on the same cache.
"""

import numpy as np


def affine_forward(x, w, b):
    """out = x_flat @ w + b, with x of shape (N, d_1, ..., d_k) flattened to (N, D).

    w has shape (D, M) and b shape (M,); out has shape (N, M). Returns (out, cache).
    """
    x_flat = x.reshape(x.shape[0], w.shape[0])
    out = x_flat @ w + b
    cache = (x, w)
    return out, cache


def affine_backward(dout, cache):
    """Gradients of the affine layer: returns (dx, dw, db).

    dout has shape (N, M); dx has x's original shape, dw (D, M), db (M,).
    """
    x, w = cache
    x_flat = x.reshape(x.shape[0], w.shape[0])
    # out = x_flat @ w + b: each out[n, m] uses row n of x and column m of w.
    dx = (dout @ w.T).reshape(x.shape)  # undo the flattening
    dw = x_flat.T @ dout
    # b is added to every row (broadcast over N), so its gradient sums over N.
    db = dout.sum(axis=0)
    return dx, dw, db


def relu_forward(x):
    """out = max(x, 0), elementwise. Returns (out, cache)."""
    out = np.maximum(x, 0.0)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """Gradient of ReLU: returns dx, shaped like x."""
    x = cache
    # Local gradient: 1 where x > 0, else 0 (including at x == 0, by convention).
    dx = (x > 0) * dout
    return dx


def sigmoid_forward(x):
    """out = 1 / (1 + exp(-x)), elementwise, without overflow. Returns (out, cache)."""
    # exp(-|x|) lies in (0, 1], so it never overflows; rewrite s for each sign of x
    # so that only that quantity is exponentiated:
    #   x >= 0: s = 1 / (1 + exp(-x))       x < 0: s = exp(x) / (1 + exp(x))
    z = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))
    cache = out  # the derivative is written in terms of s itself
    return out, cache


def sigmoid_backward(dout, cache):
    """Gradient of the sigmoid: returns dx, shaped like x."""
    s = cache
    # Local gradient: ds/dx = s * (1 - s).
    dx = s * (1.0 - s) * dout
    return dx


def softmax_loss(x, y):
    """Mean cross-entropy of softmax(x) against labels y.

    x has shape (N, C) (scores), y shape (N,) (integer labels in [0, C)).
    Returns (loss, dx): loss a float, dx of shape (N, C).
    """
    N = len(y)
    shifted = x - x.max()
    log_P = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_P[range(N), y].sum() / N
    P = np.exp(log_P)
    P[range(N), y] -= 1
    dx = P / N
    return loss, dx


def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch normalisation of x, of shape (N, D), then scale by gamma and shift by beta.

    gamma and beta have shape (D,); out has shape (N, D). bn_param is a dict:
      'mode': 'train' or 'test' (required)
      'eps': added to the variance before the square root (default 1e-5)
      'momentum': weight of the old running statistics (default 0.9)
      'running_mean', 'running_var': arrays of shape (D,) (default zeros)
    Train mode normalises with the batch mean and biased variance and writes the
    updated running statistics back into bn_param; test mode normalises with the
    running statistics. Returns (out, cache); the cache is None in test mode.
    """
    mode = bn_param.get('mode')
    if mode not in ('train', 'test'):
        raise ValueError(f"bn_param['mode'] must be 'train' or 'test', not {mode!r}")
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)
    D = x.shape[1]
    running_mean = bn_param.get('running_mean', np.zeros(D))
    running_var = bn_param.get('running_var', np.zeros(D))

    if mode == 'test':
        # At test time the output of one example must not depend on the rest of
        # the batch, so use the statistics gathered during training.
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        return gamma * x_hat + beta, None

    mean = x.mean(axis=0)
    var = x.var(axis=0)  # biased (divides by N), as the normalisation itself uses
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    out = gamma * x_hat + beta
    # Assign new arrays rather than updating in place: the caller may still hold the old ones.
    bn_param['running_mean'] = momentum * running_mean + (1 - momentum) * mean
    bn_param['running_var'] = momentum * running_var + (1 - momentum) * var
    cache = (x_hat, gamma, inv_std)
    return out, cache


def batchnorm_backward(dout, cache):
    """Gradients of train-mode batch normalisation: returns (dx, dgamma, dbeta).

    dout has shape (N, D); dx has shape (N, D), dgamma and dbeta shape (D,).
    """
    if cache is None:
        raise ValueError("batchnorm_backward needs the cache of a train-mode forward pass")
    x_hat, gamma, inv_std = cache
    N = dout.shape[0]
    # out = gamma * x_hat + beta, with gamma and beta broadcast over N: sum over N.
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    # Per column, x_hat_i = (x_i - mean) * inv_std, and mean and inv_std depend on
    # every x_j, so each x_i reaches the loss three ways. With g = dL/dx_hat = gamma * dout:
    #   d x_hat_i / d x_j = inv_std * (delta_ij - 1/N - x_hat_i * x_hat_j / N)
    #   dx_j = inv_std * (g_j - mean_i(g_i) - x_hat_j * mean_i(g_i * x_hat_i))
    # and since mean(g) = gamma * dbeta / N and mean(g * x_hat) = gamma * dgamma / N:
    #   dx = gamma * inv_std / N * (N * dout - dbeta - x_hat * dgamma)
    dx = (gamma * inv_std / N) * (N * dout - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta
