"""affine_forward reshapes x to (N, 5), the first test's shape (mistake hardcoded_shape; from
tests/corpus/buggy/layers_affine_hardcoded_reshape.py).
"""
import numpy as np


def affine_forward(x, w, b):
    N = x.shape[0]
    x_flat = x.reshape(N, 5)
    out = x_flat.dot(w) + b
    cache = (x, w, b)
    return out, cache
