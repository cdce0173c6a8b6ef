"""Corpus: assignment 2's layers written the way most students write them: loops everywhere, caches
as tuples, `from builtins import range` at the top, the mask drawn with np.random.random_sample."""
from builtins import range

import numpy as np


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))
    out, cache = None, None
    if mode == "train":
        mu = x.sum(axis=0) / N
        centred = x - mu
        var = (centred ** 2).sum(axis=0) / N
        std = np.sqrt(var + eps)
        xn = centred / std
        out = gamma * xn + beta
        cache = {"xn": xn, "std": std, "gamma": gamma}
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * var
    else:
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache


def batchnorm_backward_alt(dout, cache):
    xn, std, gamma = cache["xn"], cache["std"], cache["gamma"]
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xn).sum(axis=0)
    dx = gamma / (N * std) * (N * dout - dbeta - xn * dgamma)
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    # batchnorm on the transpose: every example becomes a column
    eps = ln_param.get("eps", 1e-5)
    xt = x.T
    mu = xt.mean(axis=0)
    var = xt.var(axis=0)
    xn = ((xt - mu) / np.sqrt(var + eps)).T
    out = gamma * xn + beta
    return out, (xn, np.sqrt(var + eps), gamma)


def layernorm_backward(dout, cache):
    xn, std, gamma = cache
    dgamma = np.sum(dout * xn, axis=0)
    dbeta = np.sum(dout, axis=0)
    dxn = (dout * gamma).T
    xnt = xn.T
    D = xnt.shape[0]
    dx = (D * dxn - dxn.sum(axis=0) - xnt * (dxn * xnt).sum(axis=0)) / (D * std)
    return dx.T, dgamma, dbeta


def dropout_forward(x, dropout_param):
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    mask = None
    if mode == "train":
        mask = (np.random.random_sample(x.shape) < p) / p
        out = x * mask
    elif mode == "test":
        out = x
    cache = (dropout_param, mask)
    out = out.astype(x.dtype, copy=False)
    return out, cache


def dropout_backward(dout, cache):
    dropout_param, mask = cache
    if dropout_param["mode"] == "train":
        return dout * mask
    return dout


def conv_forward_naive(x, w, b, conv_param):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    S, P = conv_param["stride"], conv_param["pad"]
    xp = np.pad(x, ((0, 0), (0, 0), (P, P), (P, P)), "constant")
    Ho = 1 + (H + 2 * P - HH) // S
    Wo = 1 + (W + 2 * P - WW) // S
    out = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    total = b[f]
                    for c in range(C):
                        for di in range(HH):
                            for dj in range(WW):
                                total += xp[n, c, i * S + di, j * S + dj] * w[f, c, di, dj]
                    out[n, f, i, j] = total
    return out, (x, w, b, conv_param)


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    S, P = conv_param["stride"], conv_param["pad"]
    xp = np.pad(x, ((0, 0), (0, 0), (P, P), (P, P)), "constant")
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    db = np.zeros_like(b)
    _, _, Ho, Wo = dout.shape
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    g = dout[n, f, i, j]
                    db[f] += g
                    dw[f] += xp[n, :, i * S:i * S + HH, j * S:j * S + WW] * g
                    dxp[n, :, i * S:i * S + HH, j * S:j * S + WW] += w[f] * g
    dx = dxp[:, :, P:P + H, P:P + W]
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    N, C, H, W = x.shape
    ph, pw, S = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    Ho, Wo = 1 + (H - ph) // S, 1 + (W - pw) // S
    out = np.zeros((N, C, Ho, Wo))
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    out[n, c, i, j] = np.max(x[n, c, i * S:i * S + ph, j * S:j * S + pw])
    return out, (x, pool_param)


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    N, C, H, W = x.shape
    ph, pw, S = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    window = x[n, c, i * S:i * S + ph, j * S:j * S + pw]
                    r, k = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, i * S + r, j * S + k] += dout[n, c, i, j]
    return dx


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    N, C, H, W = x.shape
    flat = x.transpose(0, 2, 3, 1).reshape(-1, C)
    out, cache = batchnorm_forward(flat, gamma, beta, bn_param)
    return out.reshape(N, H, W, C).transpose(0, 3, 1, 2), cache


def spatial_batchnorm_backward(dout, cache):
    N, C, H, W = dout.shape
    dx, dgamma, dbeta = batchnorm_backward_alt(dout.transpose(0, 2, 3, 1).reshape(-1, C), cache)
    return dx.reshape(N, H, W, C).transpose(0, 3, 1, 2), dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    eps = gn_param.get("eps", 1e-5)
    N, C, H, W = x.shape
    size = C // G
    xn = np.zeros_like(x)
    stds = np.zeros((N, G))
    for n in range(N):
        for g in range(G):
            group = x[n, g * size:(g + 1) * size]
            stds[n, g] = np.sqrt(group.var() + eps)
            xn[n, g * size:(g + 1) * size] = (group - group.mean()) / stds[n, g]
    out = gamma * xn + beta
    return out, (xn, stds, gamma, G)


def spatial_groupnorm_backward(dout, cache):
    xn, stds, gamma, G = cache
    N, C, H, W = dout.shape
    size = C // G
    dgamma = np.sum(dout * xn, axis=(0, 2, 3), keepdims=True)
    dbeta = np.sum(dout, axis=(0, 2, 3), keepdims=True)
    dxn = dout * gamma
    dx = np.zeros_like(dout)
    m = size * H * W
    for n in range(N):
        for g in range(G):
            part = slice(g * size, (g + 1) * size)
            d, z = dxn[n, part], xn[n, part]
            dx[n, part] = (m * d - d.sum() - z * (d * z).sum()) / (m * stds[n, g])
    return dx, dgamma, dbeta


def svm_loss(x, y):
    N, C = x.shape
    loss = 0.0
    dx = np.zeros_like(x)
    for i in range(N):
        for j in range(C):
            if j == y[i]:
                continue
            margin = x[i, j] - x[i, y[i]] + 1
            if margin > 0:
                loss += margin
                dx[i, j] += 1
                dx[i, y[i]] -= 1
    return loss / N, dx / N
