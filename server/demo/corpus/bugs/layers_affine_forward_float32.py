"""forward output cast to float32 (mistake float32; from
tests/corpus/buggy/layers_affine_forward_float32.py).
"""
import numpy as np


def affine_forward(x, w, b):
    N = x.shape[0]
    x_flat = x.reshape(N, -1)
    out = (x_flat.dot(w) + b).astype(np.float32)
    cache = (x, w, b)
    return out, cache
