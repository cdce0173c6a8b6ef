import numpy as np


def affine_forward(x, w, b):
    N = x.shape[0]
    x_rows = x.reshape(N, -1)
    out = x_rows.dot(w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    x, w, b = cache
    N = x.shape[0]
    x_rows = x.reshape(N, -1)
    dx = dout.dot(w.T).reshape(*x.shape)
    dw = x_rows.T.dot(dout)
    db = np.ones(w.shape[1])
    return dx, dw, db
