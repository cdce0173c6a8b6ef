"""summed axes not re-inserted before broadcasting (mistake sum_axis_handling; from
tests/corpus/buggy/gates_sum_backward_no_expand_dims.py).
"""
import numpy as np


def sum_backward(dout, cache):
    shape, axis, keepdims = cache
    ndim = len(shape)
    if axis is None:
        axes = tuple(range(ndim))
    elif isinstance(axis, int):
        axes = (axis % ndim,)
    else:
        axes = tuple(ax % ndim for ax in axis)
    dx = np.broadcast_to(dout, shape).copy()
    return dx
