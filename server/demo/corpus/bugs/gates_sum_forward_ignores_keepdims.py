"""sum_forward ignores keepdims (the backward, which honours it, is right) (mistake
sum_keepdims_ignored; from tests/corpus/buggy/gates_sum_forward_ignores_keepdims.py).
"""
import numpy as np


def sum_forward(x, axis=None, keepdims=False):
    out = np.sum(x, axis=axis)
    cache = (x.shape, axis, keepdims)
    return out, cache
