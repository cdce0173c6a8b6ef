import numpy as np


def sum_forward(x, axis=None, keepdims=False):
    x = np.asarray(x, dtype=np.float64)
    if axis is not None and not hasattr(axis, "__iter__"):
        axis = (axis,)
    out = x.sum(axis=axis, keepdims=keepdims)
    cache = (x.shape, axis, keepdims)
    return out, cache


def sum_backward(dout, cache):
    x_shape, axis, keepdims = cache
    dout = np.asarray(dout, dtype=np.float64)
    if axis is None:
        return np.full(x_shape, dout, dtype=np.float64)
    if not keepdims:
        index = [slice(None) for _ in range(len(x_shape))]
        for ax in axis:
            index[ax] = np.newaxis
        dout = dout[index]
    return np.broadcast_to(dout, x_shape).copy()
