"""Correct layers submission written with explicit Python loops (a beginner's style).

affine as a triple loop, ReLU and sigmoid element by element, softmax row by row with
math.exp/math.log, batchnorm column by column. Caches are tuples; the loss is a Python float.
"""
import math

import numpy as np


def affine_forward(x, w, b):
    N = x.shape[0]
    D, M = w.shape
    x_rows = x.reshape(N, D)
    out = np.zeros((N, M))
    for n in range(N):
        for m in range(M):
            total = b[m]
            for d in range(D):
                total += x_rows[n, d] * w[d, m]
            out[n, m] = total
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    x, w, b = cache
    N = x.shape[0]
    D, M = w.shape
    x_rows = x.reshape(N, D)
    dx_rows = np.zeros((N, D))
    dw = np.zeros((D, M))
    db = np.zeros(M)
    for n in range(N):
        for m in range(M):
            g = dout[n, m]
            db[m] += g
            for d in range(D):
                dx_rows[n, d] += g * w[d, m]
                dw[d, m] += g * x_rows[n, d]
    dx = dx_rows.reshape(x.shape)
    return dx, dw, db


def relu_forward(x):
    out = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        if x[idx] > 0:
            out[idx] = x[idx]
    cache = x
    return out, cache


def relu_backward(dout, cache):
    x = cache
    dx = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        if x[idx] > 0:
            dx[idx] = dout[idx]
    return dx


def _sigmoid_scalar(v):
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


def sigmoid_forward(x):
    out = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        out[idx] = _sigmoid_scalar(float(x[idx]))
    cache = out
    return out, cache


def sigmoid_backward(dout, cache):
    s = cache
    dx = np.zeros(s.shape)
    for idx in np.ndindex(s.shape):
        dx[idx] = dout[idx] * s[idx] * (1.0 - s[idx])
    return dx


def softmax_loss(x, y):
    N, C = x.shape
    loss = 0.0
    dx = np.zeros((N, C))
    for i in range(N):
        row_max = max(x[i, j] for j in range(C))
        exps = [math.exp(x[i, j] - row_max) for j in range(C)]
        total = sum(exps)
        loss += -((x[i, y[i]] - row_max) - math.log(total))
        for j in range(C):
            p = exps[j] / total
            dx[i, j] = (p - (1.0 if j == y[i] else 0.0)) / N
    loss /= N
    return loss, dx


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    if mode not in ("train", "test"):
        raise ValueError("bad mode " + str(mode))
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D))
    running_var = bn_param.get("running_var", np.zeros(D))

    out = np.zeros((N, D))
    if mode == "test":
        for d in range(D):
            for n in range(N):
                out[n, d] = gamma[d] * (x[n, d] - running_mean[d]) / math.sqrt(running_var[d] + eps) + beta[d]
        return out, None

    x_hat = np.zeros((N, D))
    means = np.zeros(D)
    variances = np.zeros(D)
    for d in range(D):
        mu = sum(x[n, d] for n in range(N)) / N
        var = sum((x[n, d] - mu) ** 2 for n in range(N)) / N
        means[d], variances[d] = mu, var
        for n in range(N):
            x_hat[n, d] = (x[n, d] - mu) / math.sqrt(var + eps)
            out[n, d] = gamma[d] * x_hat[n, d] + beta[d]
    new_mean = np.zeros(D)
    new_var = np.zeros(D)
    for d in range(D):
        new_mean[d] = momentum * running_mean[d] + (1 - momentum) * means[d]
        new_var[d] = momentum * running_var[d] + (1 - momentum) * variances[d]
    bn_param["running_mean"] = new_mean
    bn_param["running_var"] = new_var
    cache = (x, x_hat, means, variances, gamma, eps)
    return out, cache


def batchnorm_backward(dout, cache):
    x, x_hat, means, variances, gamma, eps = cache
    N, D = dout.shape
    dx = np.zeros((N, D))
    dgamma = np.zeros(D)
    dbeta = np.zeros(D)
    for d in range(D):
        inv_std = 1.0 / math.sqrt(variances[d] + eps)
        sum_g = 0.0
        sum_g_xhat = 0.0
        for n in range(N):
            dbeta[d] += dout[n, d]
            dgamma[d] += dout[n, d] * x_hat[n, d]
            g = dout[n, d] * gamma[d]
            sum_g += g
            sum_g_xhat += g * x_hat[n, d]
        for n in range(N):
            g = dout[n, d] * gamma[d]
            dx[n, d] = inv_std * (g - sum_g / N - x_hat[n, d] * sum_g_xhat / N)
    return dx, dgamma, dbeta
