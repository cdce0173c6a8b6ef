import numpy as np


def affine_forward(x, w, b):
    flat = x.reshape(len(x), -1)
    out = flat @ w + b
    return out, (x, w, b)


def affine_backward(dout, cache):
    x, w, b = cache
    flat = x.reshape(len(x), -1)
    dx = (dout @ w.T).reshape(x.shape)
    dw = flat.T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db


def relu_forward(x):
    out = np.maximum(0, x)
    return out, x


def relu_backward(dout, cache):
    x = cache
    # turn x into the 0/1 local gradient
    x[x <= 0] = 0
    x[x > 0] = 1
    dx = dout * x
    return dx
