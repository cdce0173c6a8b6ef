"""unbroadcast averages over the broadcast axes instead of summing (mistake da_mean_not_sum; from
tests/corpus/buggy/gates_unbroadcast_mean.py).
"""
import numpy as np


def unbroadcast(grad, shape):
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.mean(axis=tuple(range(extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if axes:
        grad = grad.mean(axis=axes, keepdims=True)
    return grad
