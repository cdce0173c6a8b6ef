"""relu_backward turns the cached x into its mask in place: the caller's x changes (mistake
input_mutated_by_backward; from tests/corpus/buggy/layers_relu_backward_cache_alias.py).
"""
import numpy as np


def relu_backward(dout, cache):
    x = cache
    x[x > 0] = 1
    x[x < 0] = 0
    dx = dout * x
    return dx
