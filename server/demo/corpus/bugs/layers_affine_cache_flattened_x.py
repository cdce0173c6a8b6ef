"""affine_forward caches the flattened x: dx comes back (N, D) for an input of more dimensions
(mistake dx_not_reshaped; from tests/corpus/buggy/layers_affine_cache_flattened_x.py).
"""
import numpy as np


def affine_forward(x, w, b):
    N = x.shape[0]
    x = x.reshape(N, -1)
    out = x.dot(w) + b
    cache = (x, w, b)
    return out, cache
