import numpy as np


def affine_forward(x, w, b):
    Xs = x.reshape(x.shape[0], -1)
    out = Xs @ w + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    x, w, b = cache
    Xs = x.reshape(x.shape[0], -1)
    dw = Xs.T @ dout
    db = np.sum(dout, axis=0, keepdims=True)
    dx = dout @ w.T
    dx = dx.reshape(x.shape)
    return dx, dw, db
