"""bias b not added in the forward pass (mistake affine_missing_bias; from
tests/corpus/buggy/layers_affine_forward_no_bias.py).
"""
import numpy as np


def affine_forward(x, w, b):
    N = x.shape[0]
    x_flat = x.reshape(N, -1)
    out = x_flat.dot(w)
    cache = (x, w, b)
    return out, cache
