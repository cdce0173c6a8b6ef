"""mul local gradients swapped (mistake mul_swapped; from
tests/corpus/buggy/gates_mul_backward_swapped.py).
"""
import numpy as np


def mul_backward(dout, cache):
    a, b = cache
    da = unbroadcast(dout * a, np.shape(a))
    db = unbroadcast(dout * b, np.shape(b))
    return da, db
