"""Reference solution: the layers of CS231n's assignment 2 beyond the affine/ReLU/batchnorm basics.

Normalisation (batchnorm's backward in one formula, layernorm, spatial batchnorm, groupnorm),
dropout, convolution and max pooling, with CS231n's signatures and parameter dicts. The same
pattern as every layer:

    forward(inputs)       -> (out, cache)   compute out; cache what backward needs
    backward(dout, cache) -> gradients      local gradient times upstream dout (chain rule)

Everything is float64, and nothing is modified in place (backward can run twice on one cache).
The convolution and the pooling are written as loops over output positions, vectorised over the
batch and the channels: the shape of the computation a naive solution has, readable, fast enough.
"""

import numpy as np

# --- normalisation: one helper for every "subtract the mean, divide by the std" layer -------------


def _normalise(x, axes, eps):
    """x_hat = (x - mean) / sqrt(var + eps) over `axes` (kept as size-1 axes), and 1 / std."""
    mean = x.mean(axis=axes, keepdims=True)
    inv_std = 1.0 / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    return (x - mean) * inv_std, inv_std


def _normalise_backward(dx_hat, x_hat, inv_std, axes):
    """dx from dL/dx_hat, through the mean and the variance as well as directly:
    dx = inv_std * (dx_hat - mean(dx_hat) - x_hat * mean(dx_hat * x_hat)), means over `axes`."""
    mean_d = dx_hat.mean(axis=axes, keepdims=True)
    mean_dx = (dx_hat * x_hat).mean(axis=axes, keepdims=True)
    return inv_std * (dx_hat - mean_d - x_hat * mean_dx)


def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch normalisation of x (N, D) over the batch; running statistics kept in bn_param.

    bn_param: mode ('train' or 'test'), eps (1e-5), momentum (0.9), running_mean, running_var (D,).
    """
    mode = bn_param["mode"]
    eps, momentum = bn_param.get("eps", 1e-5), bn_param.get("momentum", 0.9)
    d = x.shape[1]
    running_mean = bn_param.get("running_mean", np.zeros(d, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(d, dtype=x.dtype))
    if mode == "train":
        x_hat, inv_std = _normalise(x, 0, eps)
        bn_param["running_mean"] = momentum * running_mean + (1 - momentum) * x.mean(axis=0)
        bn_param["running_var"] = momentum * running_var + (1 - momentum) * x.var(axis=0)
        return gamma * x_hat + beta, (x_hat, inv_std, gamma)
    if mode == "test":
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        return gamma * x_hat + beta, None
    raise ValueError(f"invalid batchnorm mode {mode!r}")


def batchnorm_backward_alt(dout, cache):
    """Batchnorm's gradients in one simplified expression: returns (dx, dgamma, dbeta)."""
    x_hat, inv_std, gamma = cache
    dx = _normalise_backward(dout * gamma, x_hat, inv_std, 0)
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)


def layernorm_forward(x, gamma, beta, ln_param):
    """Layer normalisation of x (N, D): each example over its own D features, no running state."""
    x_hat, inv_std = _normalise(x, 1, ln_param.get("eps", 1e-5))
    return gamma * x_hat + beta, (x_hat, inv_std, gamma)


def layernorm_backward(dout, cache):
    """Returns (dx, dgamma, dbeta): batchnorm's backward with the roles of the axes exchanged."""
    x_hat, inv_std, gamma = cache
    dx = _normalise_backward(dout * gamma, x_hat, inv_std, 1)
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """Batchnorm of x (N, C, H, W) per channel, over N, H and W; gamma and beta have shape (C,).

    Written as batchnorm on (N * H * W, C): the channels move last before flattening.
    """
    n, c, h, w = x.shape
    rows = x.transpose(0, 2, 3, 1).reshape(-1, c)
    out, cache = batchnorm_forward(rows, gamma, beta, bn_param)
    return out.reshape(n, h, w, c).transpose(0, 3, 1, 2), cache


def spatial_batchnorm_backward(dout, cache):
    """Returns (dx, dgamma, dbeta), dx of shape (N, C, H, W), dgamma and dbeta (C,)."""
    n, c, h, w = dout.shape
    rows = dout.transpose(0, 2, 3, 1).reshape(-1, c)
    dx, dgamma, dbeta = batchnorm_backward_alt(rows, cache)
    return dx.reshape(n, h, w, c).transpose(0, 3, 1, 2), dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """Group normalisation of x (N, C, H, W): the C channels in G groups, each example's group
    normalised over its channels and positions; gamma and beta of shape (1, C, 1, 1), or (C,) in a
    course that keeps the old shape (exercises/layers2/assignment.py, GROUPNORM_GAMMA_SHAPE)."""
    n, c, h, w = x.shape
    groups = x.reshape(n, G, c // G, h, w)
    x_hat, inv_std = _normalise(groups, (2, 3, 4), gn_param.get("eps", 1e-5))
    out = gamma.reshape(1, c, 1, 1) * x_hat.reshape(x.shape) + beta.reshape(1, c, 1, 1)
    return out, (x_hat, inv_std, gamma, G)


def spatial_groupnorm_backward(dout, cache):
    """Returns (dx, dgamma, dbeta); dgamma and dbeta keep gamma's shape."""
    x_hat, inv_std, gamma, G = cache
    n, c, h, w = dout.shape
    dgamma = (dout * x_hat.reshape(dout.shape)).sum(axis=(0, 2, 3), keepdims=True)
    dbeta = dout.sum(axis=(0, 2, 3), keepdims=True)
    dx_hat = (dout * gamma.reshape(1, c, 1, 1)).reshape(n, G, c // G, h, w)
    dx = _normalise_backward(dx_hat, x_hat, inv_std, (2, 3, 4))
    return dx.reshape(dout.shape), dgamma.reshape(gamma.shape), dbeta.reshape(gamma.shape)


# --- dropout: p is the probability of keeping a unit (CS231n since 2017) ---------------------------


# What dropout_param["p"] means: "keep" (CS231n since 2017) or "drop" (before); the same as
# DROPOUT_P_MEANS in exercises/layers2/assignment.py.
DROPOUT_P_MEANS = "keep"


def dropout_forward(x, dropout_param):
    """Inverted dropout: in training keep each unit with probability p and scale it by 1 / p, so
    that test mode is the identity. dropout_param: p, mode ('train' / 'test'), seed (optional)."""
    p, mode = dropout_param["p"], dropout_param["mode"]
    if DROPOUT_P_MEANS == "drop":
        p = 1 - p
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    if mode == "train":
        mask = (np.random.rand(*x.shape) < p) / p
        return x * mask, (dropout_param, mask)
    return x.copy(), (dropout_param, None)


def dropout_backward(dout, cache):
    """dx = dout * mask in training (the very mask of the forward), dout itself in test mode."""
    dropout_param, mask = cache
    if dropout_param["mode"] == "train":
        return dout * mask
    return dout.copy()


# --- convolution and max pooling ---------------------------------------------------------------------


def _output_size(size, kernel, stride, pad=0):
    return 1 + (size + 2 * pad - kernel) // stride


def conv_forward_naive(x, w, b, conv_param):
    """Cross-correlation of x (N, C, H, W) with F filters w (F, C, HH, WW), plus b (F,).

    conv_param: stride, pad (zeros on each side of H and W). out: (N, F, H', W') with
    H' = 1 + (H + 2 * pad - HH) // stride, W' likewise.
    """
    stride, pad = conv_param["stride"], conv_param["pad"]
    f, _, hh, ww = w.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    h_out = _output_size(x.shape[2], hh, stride, pad)
    w_out = _output_size(x.shape[3], ww, stride, pad)
    out = np.empty((x.shape[0], f, h_out, w_out))
    for i in range(h_out):
        for j in range(w_out):
            window = x_pad[:, :, i * stride:i * stride + hh, j * stride:j * stride + ww]
            # (N, C, HH, WW) against (F, C, HH, WW): one number per example and filter
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return out, (x, w, conv_param)


def conv_backward_naive(dout, cache):
    """Returns (dx, dw, db). Each output position used one window of the padded x and every
    weight: the window's gradient gets w times dout there, and w gets the window times dout,
    added up over all positions (windows overlap, so the gradients add)."""
    x, w, conv_param = cache
    pad = conv_param['pad']
    stride = conv_param['stride']
    padded_x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    N, C, H, W = x.shape
    db = dout.sum(axis=(0, 2, 3))
    F, C, FH, FW = w.shape
    ws_flatten = w.reshape(F, -1)
    dx = np.zeros_like(x)
    h_out, w_out = dout.shape[2], dout.shape[3]
    dw = np.zeros_like(w)
    for idx, img in enumerate(x):
        dout_img = dout[idx].reshape(F, -1)
        x_temp = np.pad(np.zeros((C, H, W)), ((0, 0), (pad, pad), (pad, pad)))
        ph, pw = x_temp.shape[1], x_temp.shape[2]
        dx_local = dout_img.T.dot(ws_flatten)
        neuron = 0
        x_col = np.zeros((C * FH * FW, h_out * w_out))
        for i_idx, i in enumerate(range(0, ph - FH + 1, stride)):
            for j_idx, j in enumerate(range(0, pw - FW + 1, stride)):
                x_temp[:, i:FH + i, j:FW + j] += dx_local[neuron, :].reshape(C, FH, FW)
                x_col[:, neuron] = padded_x[idx, :, i:FH + i, j:FW + j].flatten()
                neuron += 1
        dx[idx] = x_temp[:, pad:-pad, pad:-pad]
        dw += dout_img.dot(x_col.T).reshape(F, C, FH, FW)
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    """Max over each pool_height x pool_width window of x (N, C, H, W), moved by stride (windows
    may overlap when stride < the window size). No padding."""
    ph, pw, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    n, c, h, w = x.shape
    out = np.empty((n, c, _output_size(h, ph, stride), _output_size(w, pw, stride)))
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            out[:, :, i, j] = x[:, :, i * stride:i * stride + ph, j * stride:j * stride + pw].max(axis=(2, 3))
    return out, (x, pool_param)


def max_pool_backward_naive(dout, cache):
    """dx: each window's dout goes to the element that was its max; an element that is the max of
    several overlapping windows gets the sum of their douts."""
    x, pool_param = cache
    ph, pw, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows, cols = slice(i * stride, i * stride + ph), slice(j * stride, j * stride + pw)
            window = x[:, :, rows, cols]
            is_max = window == window.max(axis=(2, 3), keepdims=True)
            # at a tie, the first maximum alone takes the gradient (any split is a valid subgradient)
            first = is_max & (np.cumsum(is_max.reshape(*is_max.shape[:2], -1), axis=2).reshape(is_max.shape) == 1)
            dx[:, :, rows, cols] += first * dout[:, :, i:i + 1, j:j + 1]
    return dx
