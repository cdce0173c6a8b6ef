"""np.squeeze on the output: collapses the batch axis when N == 1 (and M == 1) (mistake
out_squeezed; from tests/corpus/buggy/layers_affine_out_squeeze.py).
"""
import numpy as np


def affine_forward(x, w, b):
    N = x.shape[0]
    x_flat = x.reshape(N, -1)
    out = np.squeeze(x_flat.dot(w) + b)
    cache = (x, w, b)
    return out, cache
