import numpy as np


def affine_forward(x, w, b):
    N = x.shape[0]
    out = np.dot(x.reshape(N, -1), w) + b
    return out, (x, w, b)


def affine_backward(dout, cache):
    x, w, b = cache
    N = x.shape[0]
    dx = np.dot(dout, w.T).reshape(x.shape[0], *x.shape[1:])
    dw = np.dot(x.reshape(N, -1).T, dout)
    db = dout[0]
    return dx, dw, db
