"""exp_forward returns float32 (mistake float32; from
tests/corpus/buggy/gates_exp_forward_float32.py).
"""
import numpy as np


def exp_forward(x):
    out = np.exp(x).astype(np.float32)
    cache = out
    return out, cache
