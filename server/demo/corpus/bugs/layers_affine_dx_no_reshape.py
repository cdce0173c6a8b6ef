"""dx left as (N, D), not reshaped to x.shape (mistake dx_not_reshaped; from
tests/corpus/buggy/layers_affine_dx_no_reshape.py).
"""
import numpy as np


def affine_backward(dout, cache):
    x, w, b = cache
    N = x.shape[0]
    x_flat = x.reshape(N, -1)
    dx = dout.dot(w.T)
    dw = x_flat.T.dot(dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db
