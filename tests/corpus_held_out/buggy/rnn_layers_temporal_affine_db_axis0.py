import numpy as np


def temporal_affine_forward(x, w, b):
    N, T, D = x.shape
    M = b.shape[0]
    out = np.dot(x.reshape(N * T, D), w).reshape(N, T, M) + b
    return out, (x, w, b, out)


def temporal_affine_backward(dout, cache):
    x, w, b, out = cache
    N, T, D = x.shape
    M = b.shape[0]
    dx = np.dot(dout.reshape(N * T, M), w.T).reshape(N, T, D)
    dw = np.dot(x.reshape(N * T, D).T, dout.reshape(N * T, M))
    db = np.sum(dout, axis=0)
    return dx, dw, db
