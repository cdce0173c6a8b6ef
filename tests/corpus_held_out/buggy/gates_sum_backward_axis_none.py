import numpy as np


def sum_forward(x, axis=None, keepdims=False):
    return np.sum(x, axis=axis, keepdims=keepdims), (x.shape, axis, keepdims)


def sum_backward(dout, cache):
    shape, axis, keepdims = cache
    if not keepdims:
        dout = np.expand_dims(dout, axis)
    return np.ones(shape) * dout
