import numpy as np


def sum_forward(x, axis=None, keepdims=False):
    if axis is None:
        axes = tuple(range(x.ndim))
    elif isinstance(axis, int):
        axes = (axis,)
    else:
        axes = tuple(axis)
    # keep only the axes that exist in x
    axes = tuple(a for a in axes if 0 <= a < x.ndim)
    out = np.sum(x, axis=axes, keepdims=keepdims)
    return out, (x.shape, axes, keepdims)


def sum_backward(dout, cache):
    shape, axes, keepdims = cache
    if not keepdims:
        dout = np.expand_dims(dout, axes)
    return np.broadcast_to(dout, shape).copy()
