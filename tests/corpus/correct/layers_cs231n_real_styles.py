"""Correct layers submission in styles seen in real CS231n layers.py files (none of their code):
functools.reduce to flatten, db as a product with a row of ones, x.clip(0), a staged batchnorm
backward with np.tile and a list cache, the variance written as a mean of squares, and a softmax
whose row max is subtracted through transposes.
"""
from functools import reduce

import numpy as np


def affine_forward(x, w, b):
    N = x.shape[0]
    D = reduce(lambda p, q: p * q, x.shape[1:], 1)
    out = np.dot(np.reshape(x, (N, D)), w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    x, w, b = cache
    N = x.shape[0]
    rows = np.reshape(x, (N, w.shape[0]))
    dx = np.reshape(np.dot(dout, w.T), x.shape)
    dw = np.dot(rows.T, dout)
    db = np.ones((1, N)).dot(dout).flatten()
    return dx, dw, db


def relu_forward(x):
    out = x.clip(0)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    x = cache
    mask = x > 0
    dx = dout * mask
    return dx


def sigmoid_forward(x):
    out = np.where(x >= 0, 1.0 / (1.0 + np.exp(-np.abs(x))), np.exp(-np.abs(x)) / (1.0 + np.exp(-np.abs(x))))
    cache = out
    return out, cache


def sigmoid_backward(dout, cache):
    s = cache
    return dout * s * (1.0 - s)


def softmax_loss(x, y):
    n = x.shape[0]
    shifted = (x.T - np.max(x, axis=1)).T
    log_z = np.log(np.sum(np.exp(shifted), axis=1))
    loss = np.sum(log_z - shifted[np.arange(n), y]) / n
    p = np.exp(shifted) / np.exp(log_z).reshape(-1, 1)
    p[np.arange(n), y] -= 1
    dx = p / n
    return loss, dx


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    n, d = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(d, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(d, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        mu = np.mean(x, axis=0)
        var = 1 / n * np.sum((x - mu) ** 2, axis=0)
        x_norm = (x - mu) / np.sqrt(var + eps)
        out = x_norm * gamma + beta
        cache = [gamma, mu, var, eps, x, x_norm]
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * var
    elif mode == "test":
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    gamma, mu, var, eps, x, x_norm = cache
    m, d = x.shape
    dgamma = np.sum(dout * x_norm, axis=0)
    dbeta = np.sum(dout, axis=0)
    d_xhat = dout * gamma
    d_centered_direct = d_xhat / np.sqrt(var + eps)
    d_std = np.sum(-d_xhat * (x - mu) / (var + eps), axis=0)
    d_var = 0.5 * d_std / np.sqrt(var + eps)
    d_squares = np.tile(d_var, (m, 1)) / m
    d_centered = d_centered_direct + 2 * (x - mu) * d_squares
    d_mu = -np.sum(d_centered, axis=0)
    dx = d_centered + np.ones((m, d)) * d_mu / m
    return dx, dgamma, dbeta
