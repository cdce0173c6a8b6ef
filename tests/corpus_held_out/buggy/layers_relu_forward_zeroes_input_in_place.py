import numpy as np


def affine_forward(x, w, b):
    N = x.shape[0]
    D = np.prod(x.shape[1:])
    modified_x = np.reshape(x, (N, D))
    out = modified_x.dot(w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    x, w, b = cache
    N = x.shape[0]           # first dimension of x
    ds = x.shape[1:]         # the remaining dimensions
    D = np.prod(ds)          # product of the remaining dims
    tempx = np.reshape(x, (N, D))
    dw = np.dot(tempx.T, dout)
    dx = np.dot(dout, w.T).reshape(x.shape)
    db = np.sum(dout, axis=0)
    return dx, dw, db


def relu_forward(x):
    out = x
    out[out < 0] = 0
    cache = x
    return out, cache


def relu_backward(dout, cache):
    x = cache
    dx = np.array(dout, copy=True)
    dx = dx * (x > 0)
    return dx
