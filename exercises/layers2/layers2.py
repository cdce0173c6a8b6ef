"""Assignment 2, continued: normalisation, dropout, convolution and pooling.

The layers of CS231n's assignment 2 after affine, ReLU and batchnorm, with the
same signatures as `cs231n/layers.py` (your existing file grades unchanged):

    out, cache = xxx_forward(x, ..., xxx_param)
    grads = xxx_backward(dout, cache)

Rules: float64 in and out; never modify an input, dout or the cache in place
(the grader calls each backward twice on one cache); NumPy only. Loops are
fine: the convolution and the pooling are meant to be written with them.
"""

import numpy as np


def batchnorm_forward(x, gamma, beta, bn_param):
    """Your batchnorm_forward from the previous part (paste it here): x (N, D), gamma and
    beta (D,), bn_param with mode, eps, momentum, running_mean, running_var.
    Returns (out, cache)."""
    # TODO: paste your batchnorm_forward.
    raise NotImplementedError("batchnorm_forward")


def batchnorm_backward_alt(dout, cache):
    """Batchnorm's backward as one simplified expression.

    Inputs: dout (N, D); cache from your batchnorm_forward.
    Returns (dx, dgamma, dbeta): dx (N, D), dgamma and dbeta (D,).
    """
    # TODO: dx in one line from x_hat, std, gamma and dout.
    raise NotImplementedError("batchnorm_backward_alt")


def layernorm_forward(x, gamma, beta, ln_param):
    """Inputs: x (N, D); gamma, beta (D,); ln_param: dict with optional eps (1e-5).
    Returns (out, cache), out (N, D)."""
    # TODO
    raise NotImplementedError("layernorm_forward")


def layernorm_backward(dout, cache):
    """Returns (dx, dgamma, dbeta)."""
    # TODO: batchnorm's backward, means over axis 1.
    raise NotImplementedError("layernorm_backward")


def dropout_forward(x, dropout_param):
    """Inputs: x of any shape; dropout_param: p (keep probability), mode ('train' or 'test'),
    seed (optional). Returns (out, cache)."""
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    # TODO: train: mask of x's shape, kept units scaled by 1 / p; test: out = x.
    raise NotImplementedError("dropout_forward")


def dropout_backward(dout, cache):
    """Returns dx, of dout's shape."""
    # TODO
    raise NotImplementedError("dropout_backward")


def conv_forward_naive(x, w, b, conv_param):
    """Inputs: x (N, C, H, W); w (F, C, HH, WW); b (F,); conv_param: stride, pad.
    Returns (out, cache), out (N, F, H', W')."""
    # TODO: pad x with np.pad, then loop over the output positions.
    raise NotImplementedError("conv_forward_naive")


def conv_backward_naive(dout, cache):
    """Returns (dx, dw, db) of the shapes of x, w and b."""
    # TODO
    raise NotImplementedError("conv_backward_naive")


def max_pool_forward_naive(x, pool_param):
    """Inputs: x (N, C, H, W); pool_param: pool_height, pool_width, stride.
    Returns (out, cache), out (N, C, H', W') with H' = 1 + (H - pool_height) // stride."""
    # TODO
    raise NotImplementedError("max_pool_forward_naive")


def max_pool_backward_naive(dout, cache):
    """Returns dx, of x's shape."""
    # TODO
    raise NotImplementedError("max_pool_backward_naive")


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """Inputs: x (N, C, H, W); gamma, beta (C,); bn_param as batchnorm's.
    Returns (out, cache)."""
    # TODO
    raise NotImplementedError("spatial_batchnorm_forward")


def spatial_batchnorm_backward(dout, cache):
    """Returns (dx, dgamma, dbeta): dx (N, C, H, W), dgamma and dbeta (C,)."""
    # TODO
    raise NotImplementedError("spatial_batchnorm_backward")


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """Inputs: x (N, C, H, W); gamma, beta (1, C, 1, 1); G, the number of groups (divides C);
    gn_param: dict with optional eps (1e-5). Returns (out, cache)."""
    # TODO
    raise NotImplementedError("spatial_groupnorm_forward")


def spatial_groupnorm_backward(dout, cache):
    """Returns (dx, dgamma, dbeta): dgamma and dbeta of shape (1, C, 1, 1)."""
    # TODO
    raise NotImplementedError("spatial_groupnorm_backward")
