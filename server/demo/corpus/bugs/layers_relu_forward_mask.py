"""relu_forward returns the 0/1 mask (np.ones_like(x) zeroed where x < 0) instead of max(0, x)
(mistake relu_forward_mask; from tests/corpus/buggy/layers_relu_forward_mask.py).
"""
import numpy as np


def relu_forward(x):
    out = np.ones_like(x)
    out[x < 0] = 0
    cache = x
    return out, cache
