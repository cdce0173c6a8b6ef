"""dw transposed: (M, D) instead of (D, M) (mistake dw_shape_transposed; from
tests/corpus/buggy/layers_affine_dw_transposed.py).
"""
import numpy as np


def affine_backward(dout, cache):
    x, w, b = cache
    N = x.shape[0]
    x_flat = x.reshape(N, -1)
    dx = dout.dot(w.T).reshape(x.shape)
    dw = (x_flat.T.dot(dout)).T
    db = np.sum(dout, axis=0)
    return dx, dw, db
