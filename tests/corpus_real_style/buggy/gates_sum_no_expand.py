import numpy as np


def sum_forward(x, axis=None, keepdims=False):
    out = np.sum(x, axis=axis, keepdims=keepdims)
    cache = (x.shape, axis, keepdims)
    return out, cache


def sum_backward(dout, cache):
    shape, axis, keepdims = cache
    dx = np.ones(shape) * dout
    return dx
