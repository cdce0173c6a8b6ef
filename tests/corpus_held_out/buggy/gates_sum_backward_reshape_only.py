import numpy as np


def sum_forward(x, axis=None, keepdims=False):
    x = np.asarray(x, dtype=np.float64)
    out = np.sum(x, axis=axis, keepdims=keepdims)

    # shape dout has to take so that it lines up with x again:
    # every summed axis becomes 1
    if axis is None:
        kept_shape = (1,) * x.ndim
    else:
        axes = (axis,) if isinstance(axis, int) else tuple(axis)
        kept_shape = list(x.shape)
        for ax in axes:
            kept_shape[ax] = 1
        kept_shape = tuple(kept_shape)

    cache = (x.shape, kept_shape)
    return out, cache


def sum_backward(dout, cache):
    x_shape, kept_shape = cache
    dx = np.reshape(dout, kept_shape)
    return dx
