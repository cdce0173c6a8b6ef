import numpy as np


def affine_forward(x, w, b):
    out = np.zeros((x.shape[0], b.shape[0]))
    for i in range(x.shape[0]):
        out[i] = np.dot(x[i].reshape(1, -1), w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    x, w, b = cache
    dx = np.zeros_like(x)
    dw = np.zeros_like(w)
    for i in range(x.shape[0]):
        dx[i] = np.dot(w, dout[i])
        dw += np.outer(x[i].reshape(-1), dout[i])
    db = np.sum(dout, axis=0)
    return dx, dw, db
