"""Correct layers submission: returns read-only views where that is valid, caches inputs by
reference, sigmoid via logaddexp, a softmax written with np.logaddexp.reduce, a batchnorm whose
backward uses the 'alternative' one-line CS231n formula, and running statistics created with
setdefault. The loss is returned as a 0-d numpy value.
"""
import numpy as np


def _readonly(a):
    a = a.view()
    a.flags.writeable = False
    return a


def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1) @ w + b
    return _readonly(out), (x, w)


def affine_backward(dout, cache):
    x, w = cache
    dx = (dout @ w.T).reshape(*x.shape)
    dw = x.reshape(len(x), -1).T @ dout
    db = np.add.reduce(dout, axis=0)
    return _readonly(dx), _readonly(dw), np.broadcast_to(db, w.shape[1:])


def relu_forward(x):
    return np.clip(x, 0, None), x


def relu_backward(dout, cache):
    return np.where(cache > 0, dout, np.zeros(()))


def sigmoid_forward(x):
    s = np.exp(-np.logaddexp(0.0, -x))
    return s, s


def sigmoid_backward(dout, cache):
    s = cache
    # broadcast_to without a copy: a read-only view, which is fine to return
    return np.broadcast_to(dout * s * (1.0 - s), s.shape)


def softmax_loss(x, y):
    N = len(y)
    lse = np.logaddexp.reduce(x, axis=1, keepdims=True)
    log_probs = x - lse
    loss = -np.take_along_axis(log_probs, y[:, None], axis=1).sum() / N
    dx = np.exp(log_probs)
    dx[np.arange(N), y] -= 1.0
    return np.asarray(loss), dx / N


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param.setdefault("eps", 1e-5)
    momentum = bn_param.setdefault("momentum", 0.9)
    D = x.shape[1]
    bn_param.setdefault("running_mean", np.zeros(D))
    bn_param.setdefault("running_var", np.zeros(D))
    if mode == "train":
        mu = np.mean(x, axis=0)
        var = np.mean((x - mu) ** 2, axis=0)
        std = np.sqrt(var + eps)
        x_norm = (x - mu) / std
        out = gamma * x_norm + beta
        bn_param["running_mean"] = momentum * bn_param["running_mean"] + (1 - momentum) * mu
        bn_param["running_var"] = momentum * bn_param["running_var"] + (1 - momentum) * var
        return out, (x_norm, gamma, std)
    if mode == "test":
        out = gamma * (x - bn_param["running_mean"]) / np.sqrt(bn_param["running_var"] + eps) + beta
        return out, None
    raise ValueError(mode)


def batchnorm_backward(dout, cache):
    x_norm, gamma, std = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (x_norm * dout).sum(axis=0)
    dx = (1.0 / N) * gamma / std * (N * dout - dbeta - x_norm * dgamma)
    return dx, dgamma, dbeta
