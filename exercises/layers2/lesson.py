# Source of layers2.py and layers2.ipynb (jupytext "percent" format). Edit this file, then run
# `grade build-exercises layers2`; never edit the generated files by hand.

# %% [markdown]
# # Assignment 2, continued: normalisation, dropout, convolution and pooling
#
# The layers of CS231n's assignment 2 after affine, ReLU and batchnorm, with the
# same signatures as `cs231n/layers.py` (your existing file grades unchanged):
#
#     out, cache = xxx_forward(x, ..., xxx_param)
#     grads = xxx_backward(dout, cache)
#
# Rules: float64 in and out; never modify an input, dout or the cache in place
# (the grader calls each backward twice on one cache); NumPy only. Loops are
# fine: the convolution and the pooling are meant to be written with them.

# %% [setup]
import numpy as np

# %% [markdown]
# ## Batchnorm's backward in one expression
#
# With x_hat = (x - mean) / std and g = dout * gamma (the gradient reaching
# x_hat), x reaches the output three ways: directly, through the mean and
# through the variance. Adding the three paths and simplifying gives
#
#     dx = (g - mean(g) - x_hat * mean(g * x_hat)) / std      (means over axis 0)
#
# `batchnorm_forward` is yours from the previous part (paste it below; it is
# called here in mode "train"); then write the backward.

# %% [stub]
def batchnorm_forward(x, gamma, beta, bn_param):
    """Your batchnorm_forward from the previous part (paste it here): x (N, D), gamma and
    beta (D,), bn_param with mode, eps, momentum, running_mean, running_var.
    Returns (out, cache)."""
    # TODO: paste your batchnorm_forward.
    raise NotImplementedError("batchnorm_forward")

# %% [check]
from grader import notebook
notebook.check("batchnorm_forward");

# %% [stub]
def batchnorm_backward_alt(dout, cache):
    """Batchnorm's backward as one simplified expression.

    Inputs: dout (N, D); cache from your batchnorm_forward.
    Returns (dx, dgamma, dbeta): dx (N, D), dgamma and dbeta (D,).
    """
    # TODO: dx in one line from x_hat, std, gamma and dout.
    raise NotImplementedError("batchnorm_backward_alt")

# %% [check]
from grader import notebook
notebook.check("batchnorm_backward_alt");

# %% [markdown]
# ## Layer normalisation
#
# The same arithmetic as batchnorm with the axes exchanged: each example (row)
# is normalised over its own D features (axis 1, keepdims=True). No running
# statistics, the same in training and at test time. gamma and beta still
# scale and shift each feature, so dgamma and dbeta still sum over the batch.

# %% [stub]
def layernorm_forward(x, gamma, beta, ln_param):
    """Inputs: x (N, D); gamma, beta (D,); ln_param: dict with optional eps (1e-5).
    Returns (out, cache), out (N, D)."""
    # TODO
    raise NotImplementedError("layernorm_forward")

# %% [check]
from grader import notebook
notebook.check("layernorm_forward");

# %% [stub]
def layernorm_backward(dout, cache):
    """Returns (dx, dgamma, dbeta)."""
    # TODO: batchnorm's backward, means over axis 1.
    raise NotImplementedError("layernorm_backward")

# %% [check]
from grader import notebook
notebook.check("layernorm_backward");

# %% [markdown]
# ## Dropout (inverted)
#
# In training, keep each unit with probability p (`dropout_param["p"]` is the
# probability of KEEPING a unit) and divide what you keep by p, so that the
# expected output equals x and test mode is the identity. x may have any
# number of axes: after a convolution it is (N, C, H, W), so draw the mask with
# x's own shape. When `dropout_param` has a "seed", call
# `np.random.seed(dropout_param["seed"])` first and draw the mask with
# `np.random.rand(*x.shape)`: the grader reproduces your mask from the seed.
#
# The backward uses the very mask of the forward (keep it in the cache):
# dx = dout * mask, and dout itself in test mode.

# %% [stub]
def dropout_forward(x, dropout_param):
    """Inputs: x of any shape; dropout_param: p (keep probability), mode ('train' or 'test'),
    seed (optional). Returns (out, cache)."""
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    # TODO: train: mask of x's shape, kept units scaled by 1 / p; test: out = x.
    raise NotImplementedError("dropout_forward")

# %% [check]
from grader import notebook
notebook.check("dropout_forward");

# %% [stub]
def dropout_backward(dout, cache):
    """Returns dx, of dout's shape."""
    # TODO
    raise NotImplementedError("dropout_backward")

# %% [check]
from grader import notebook
notebook.check("dropout_backward");

# %% [markdown]
# ## Convolution
#
#     x (N, C, H, W) --pad--> x_pad (N, C, H + 2 pad, W + 2 pad)
#     w (F, C, HH, WW), b (F,)
#     out[n, f, i, j] = sum(x_pad[n, :, i*s : i*s + HH, j*s : j*s + WW] * w[f]) + b[f]
#     out: (N, F, H', W'),  H' = 1 + (H + 2 pad - HH) // stride,  W' likewise
#
# Backward, read from the same line: every output position (n, f, i, j) used
# one window of x_pad and the whole filter w[f].
#
# * **db** (F,): b[f] was added at every n, i, j, so db = dout summed over
#   axes (0, 2, 3).
# * **dw** (F, C, HH, WW): w[f] met one window per position, so dw[f] adds up
#   window * dout[n, f, i, j] over n, i, j.
# * **dx_pad** (the padded shape): each window gets w[f] * dout[n, f, i, j]
#   added in. Windows overlap when stride < HH, so add (+=), never assign.
#   Then crop the padding off: `dx_pad[:, :, pad:pad + H, pad:pad + W]`.
#   Careful: `dx_pad[:, :, pad:-pad, pad:-pad]` is EMPTY when pad = 0.
#
# Use conv_param's stride and pad (pad can be 0, stride 2), never numbers
# written in the code; H and W need not be equal, nor HH and WW.

# %% [stub]
def conv_forward_naive(x, w, b, conv_param):
    """Inputs: x (N, C, H, W); w (F, C, HH, WW); b (F,); conv_param: stride, pad.
    Returns (out, cache), out (N, F, H', W')."""
    # TODO: pad x with np.pad, then loop over the output positions.
    raise NotImplementedError("conv_forward_naive")

# %% [check]
from grader import notebook
notebook.check("conv_forward_naive");

# %% [stub]
def conv_backward_naive(dout, cache):
    """Returns (dx, dw, db) of the shapes of x, w and b."""
    # TODO
    raise NotImplementedError("conv_backward_naive")

# %% [check]
from grader import notebook
notebook.check("conv_backward_naive");

# %% [markdown]
# ## Max pooling
#
# out[n, c, i, j] is the max of the pool_height x pool_width window at
# (i * stride, j * stride). Only that window's maximum affected the output, so
# the backward sends dout[n, c, i, j] to that one element, and 0 to the rest of
# the window. When stride < the window size, windows overlap and one element
# can be the maximum of two windows: it gets both douts. Add into dx (+=);
# `dx[window] = mask * dout` erases what earlier windows put there.

# %% [stub]
def max_pool_forward_naive(x, pool_param):
    """Inputs: x (N, C, H, W); pool_param: pool_height, pool_width, stride.
    Returns (out, cache), out (N, C, H', W') with H' = 1 + (H - pool_height) // stride."""
    # TODO
    raise NotImplementedError("max_pool_forward_naive")

# %% [check]
from grader import notebook
notebook.check("max_pool_forward_naive");

# %% [stub]
def max_pool_backward_naive(dout, cache):
    """Returns dx, of x's shape."""
    # TODO
    raise NotImplementedError("max_pool_backward_naive")

# %% [check]
from grader import notebook
notebook.check("max_pool_backward_naive");

# %% [markdown]
# ## Spatial batchnorm
#
# One mean and variance per channel, over the batch and every position (axes
# 0, 2, 3); gamma and beta have shape (C,). The short way is your batchnorm on
# an (N * H * W, C) matrix: move the channels last first,
# `x.transpose(0, 2, 3, 1).reshape(-1, C)`, and undo both afterwards.
# `x.reshape(-1, C)` alone mixes channels and positions.

# %% [stub]
def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """Inputs: x (N, C, H, W); gamma, beta (C,); bn_param as batchnorm's.
    Returns (out, cache)."""
    # TODO
    raise NotImplementedError("spatial_batchnorm_forward")

# %% [check]
from grader import notebook
notebook.check("spatial_batchnorm_forward");

# %% [stub]
def spatial_batchnorm_backward(dout, cache):
    """Returns (dx, dgamma, dbeta): dx (N, C, H, W), dgamma and dbeta (C,)."""
    # TODO
    raise NotImplementedError("spatial_batchnorm_backward")

# %% [check]
from grader import notebook
notebook.check("spatial_batchnorm_backward");

# %% [markdown]
# ## Spatial groupnorm
#
# Layernorm over groups of channels: the C channels split into G groups of
# C // G, each example's group normalised over its channels and positions:
# reshape x to (N, G, C // G, H, W) and normalise over axes (2, 3, 4). gamma
# and beta have shape (1, C, 1, 1), and so do dgamma and dbeta. G = 1 is
# layernorm over (C, H, W); G = C normalises each channel on its own.

# %% [stub]
def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """Inputs: x (N, C, H, W); gamma, beta (1, C, 1, 1); G, the number of groups (divides C);
    gn_param: dict with optional eps (1e-5). Returns (out, cache)."""
    # TODO
    raise NotImplementedError("spatial_groupnorm_forward")

# %% [check]
from grader import notebook
notebook.check("spatial_groupnorm_forward");

# %% [stub]
def spatial_groupnorm_backward(dout, cache):
    """Returns (dx, dgamma, dbeta): dgamma and dbeta of shape (1, C, 1, 1)."""
    # TODO
    raise NotImplementedError("spatial_groupnorm_backward")

# %% [check]
from grader import notebook
notebook.check("spatial_groupnorm_backward");

# %% [markdown]
# ## Everything at once
#
# The public checks of every layer you have written, with the total score.

# %% [check]
from grader import notebook
notebook.check();
