"""relu_forward writes x[x < 0] = 0 into the caller's x (mistake input_mutated; from
tests/corpus/buggy/layers_relu_forward_inplace.py).
"""
import numpy as np


def relu_forward(x):
    x[x < 0] = 0
    out = x
    cache = x
    return out, cache
