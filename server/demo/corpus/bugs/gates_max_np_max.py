"""np.max(a, b) where np.maximum(a, b) was meant (mistake np_max_not_maximum; from
tests/corpus/buggy/gates_max_np_max.py).
"""
import numpy as np


def max_forward(a, b):
    out = np.max(a, b)
    cache = (a, b)
    return out, cache
