"""sum_backward handles an int axis but not a tuple of axes (mistake sum_axis_handling; from
tests/corpus/buggy/gates_sum_backward_tuple_axis.py).
"""
import numpy as np


def sum_backward(dout, cache):
    shape, axis, keepdims = cache
    ndim = len(shape)
    if axis is None:
        axes = tuple(range(ndim))
    else:
        axes = (axis % ndim,)
    if not keepdims:
        dout = np.expand_dims(dout, axes)
    dx = np.broadcast_to(dout, shape).copy()
    return dx
