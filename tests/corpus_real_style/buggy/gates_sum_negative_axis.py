import numpy as np


def sum_forward(x, axis=None, keepdims=False):
    out = np.sum(x, axis=axis, keepdims=keepdims)
    return out, (x.shape, axis, keepdims)


def sum_backward(dout, cache):
    shape, axis, keepdims = cache
    if axis is None:
        axis = range(len(shape))
    elif isinstance(axis, int):
        axis = [axis]
    if not keepdims:
        for ax in sorted(axis):
            dout = np.expand_dims(dout, ax)
    return np.ones(shape) * dout
