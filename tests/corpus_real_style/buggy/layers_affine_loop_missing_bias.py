from builtins import range
import numpy as np


def affine_forward(x, w, b):
    out = np.zeros((x.shape[0], b.shape[0]))
    for i in range(x.shape[0]):
        out[i] = np.dot(x[i].reshape(1, -1), w)
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    x, w, b = cache
    N = x.shape[0]
    x_row = x.reshape(N, -1)
    dx = np.dot(dout, w.T).reshape(x.shape)
    dw = np.dot(x_row.T, dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db
