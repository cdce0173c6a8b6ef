"""sigmoid_backward returns float32 (mistake float32; from
tests/corpus/buggy/layers_sigmoid_backward_float32.py).
"""
import numpy as np


def sigmoid_backward(dout, cache):
    s = cache
    dx = (dout * s * (1 - s)).astype(np.float32)
    return dx
