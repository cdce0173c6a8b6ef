import numpy as np


def affine_forward(x, w, b):
    x2d = np.reshape(x, (x.shape[0], -1))
    out = x2d.dot(w) + b
    return out, (x, w, b)


def affine_backward(dout, cache):
    x, w, b = cache
    x2d = np.reshape(x, (x.shape[0], -1))
    dx = np.reshape(dout.dot(w.T), x.shape)
    dw = x2d.T.dot(dout)
    db = np.mean(dout, axis=0)
    return dx, dw, db
