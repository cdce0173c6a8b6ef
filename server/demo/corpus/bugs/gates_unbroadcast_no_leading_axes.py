"""unbroadcast never sums away the leading axes broadcasting added (mistake da_not_summed; from
tests/corpus/buggy/gates_unbroadcast_no_leading_axes.py).
"""
import numpy as np


def unbroadcast(grad, shape):
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad
