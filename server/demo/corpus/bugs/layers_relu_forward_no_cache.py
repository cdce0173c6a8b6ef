"""relu_forward returns only out, no cache (mistake wrong_return_arity; from
tests/corpus/buggy/layers_relu_forward_no_cache.py).
"""
import numpy as np


def relu_forward(x):
    out = np.maximum(0, x)
    return out
