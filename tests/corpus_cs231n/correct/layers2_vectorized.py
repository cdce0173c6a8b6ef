"""Corpus: assignment 2's layers vectorised: windows as np.lib.stride_tricks views, einsum, np.add.at
to scatter the pooling gradient, np.random.uniform for the dropout mask, the batchnorm backward
written path by path (mean and variance as nodes of the graph)."""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def batchnorm_forward(x, gamma, beta, bn_param):
    eps, momentum = bn_param.get("eps", 1e-5), bn_param.get("momentum", 0.9)
    D = x.shape[1]
    if bn_param["mode"] == "train":
        mu, var = x.mean(axis=0), x.var(axis=0)
        xc = x - mu
        ivar = 1.0 / np.sqrt(var + eps)
        bn_param["running_mean"] = momentum * bn_param.get("running_mean", np.zeros(D)) + (1 - momentum) * mu
        bn_param["running_var"] = momentum * bn_param.get("running_var", np.zeros(D)) + (1 - momentum) * var
        return gamma * xc * ivar + beta, (xc, ivar, var, eps, gamma)
    xn = (x - bn_param["running_mean"]) / np.sqrt(bn_param["running_var"] + eps)
    return gamma * xn + beta, None


def batchnorm_backward_alt(dout, cache):
    xc, ivar, var, eps, gamma = cache
    N = dout.shape[0]
    dxn = dout * gamma
    dvar = np.sum(dxn * xc, axis=0) * -0.5 * (var + eps) ** -1.5
    dmu = -np.sum(dxn * ivar, axis=0) + dvar * np.mean(-2 * xc, axis=0)
    dx = dxn * ivar + dvar * 2 * xc / N + dmu / N
    return dx, np.sum(dout * xc * ivar, axis=0), np.sum(dout, axis=0)


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    mu = np.mean(x, axis=1, keepdims=True)
    ivar = 1 / np.sqrt(np.var(x, axis=1, keepdims=True) + eps)
    xn = (x - mu) * ivar
    return gamma * xn + beta, (xn, ivar, gamma)


def layernorm_backward(dout, cache):
    xn, ivar, gamma = cache
    g = dout * gamma
    dx = ivar * (g - g.mean(axis=1, keepdims=True) - xn * (g * xn).mean(axis=1, keepdims=True))
    return dx, np.einsum("nd,nd->d", dout, xn), dout.sum(0)


def dropout_forward(x, dropout_param):
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    if mode == "train":
        keep = np.random.uniform(size=x.shape) < p
        mask = keep / p
        return x * mask, (dropout_param, mask)
    return x, (dropout_param, None)


def dropout_backward(dout, cache):
    dropout_param, mask = cache
    return dout * mask if dropout_param["mode"] == "train" else dout


def _windows(a, kh, kw, stride):
    """(N, C, Ho, Wo, kh, kw) view of every window: no copy."""
    return sliding_window_view(a, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]


def conv_forward_naive(x, w, b, conv_param):
    stride, pad = conv_param["stride"], conv_param["pad"]
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    cols = _windows(xp, w.shape[2], w.shape[3], stride)
    out = np.einsum("nchwij,fcij->nfhw", cols, w) + b[None, :, None, None]
    return out, (x, w, conv_param)


def conv_backward_naive(dout, cache):
    x, w, conv_param = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    F, C, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    cols = _windows(xp, HH, WW, stride)
    dw = np.einsum("nchwij,nfhw->fcij", cols, dout)
    db = dout.sum(axis=(0, 2, 3))
    dcols = np.einsum("nfhw,fcij->nchwij", dout, w)
    dxp = np.zeros_like(xp)
    Ho, Wo = dout.shape[2:]
    for i in range(HH):
        for j in range(WW):
            dxp[:, :, i:i + stride * Ho:stride, j:j + stride * Wo:stride] += dcols[:, :, :, :, i, j]
    H, W = x.shape[2:]
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, db


def max_pool_forward_naive(x, pool_param):
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    return _windows(x, ph, pw, s).max(axis=(4, 5)), (x, pool_param)


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    win = _windows(x, ph, pw, s)
    N, C, Ho, Wo = dout.shape
    flat = win.reshape(N, C, Ho, Wo, ph * pw).argmax(axis=4)
    r, k = np.unravel_index(flat, (ph, pw))
    n, c, i, j = np.indices((N, C, Ho, Wo))
    dx = np.zeros_like(x)
    np.add.at(dx, (n, c, i * s + r, j * s + k), dout)   # overlapping windows add up
    return dx


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    N, C, H, W = x.shape
    out, cache = batchnorm_forward(np.moveaxis(x, 1, -1).reshape(-1, C), gamma, beta, bn_param)
    return np.moveaxis(out.reshape(N, H, W, C), -1, 1), cache


def spatial_batchnorm_backward(dout, cache):
    N, C, H, W = dout.shape
    dx, dgamma, dbeta = batchnorm_backward_alt(np.moveaxis(dout, 1, -1).reshape(-1, C), cache)
    return np.moveaxis(dx.reshape(N, H, W, C), -1, 1), dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    N, C, H, W = x.shape
    xg = x.reshape(N * G, -1)
    ivar = 1 / np.sqrt(xg.var(axis=1, keepdims=True) + gn_param.get("eps", 1e-5))
    xn = ((xg - xg.mean(axis=1, keepdims=True)) * ivar).reshape(x.shape)
    return gamma * xn + beta, (xn, ivar, gamma, G)


def spatial_groupnorm_backward(dout, cache):
    xn, ivar, gamma, G = cache
    N = dout.shape[0]
    g = (dout * gamma).reshape(N * G, -1)
    z = xn.reshape(N * G, -1)
    dx = ivar * (g - g.mean(axis=1, keepdims=True) - z * (g * z).mean(axis=1, keepdims=True))
    dgamma = (dout * xn).sum(axis=(0, 2, 3), keepdims=True)
    return dx.reshape(dout.shape), dgamma, dout.sum(axis=(0, 2, 3), keepdims=True)


def svm_loss(x, y):
    N = x.shape[0]
    correct = x[np.arange(N), y]
    margins = np.maximum(0, x - correct[:, np.newaxis] + 1.0)
    margins[np.arange(N), y] = 0
    loss = np.sum(margins) / N
    num_pos = np.sum(margins > 0, axis=1)
    dx = np.zeros_like(x)
    dx[margins > 0] = 1
    dx[np.arange(N), y] -= num_pos
    dx /= N
    return loss, dx
