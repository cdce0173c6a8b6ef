"""dx = dout @ w without the transpose: the shapes don't line up (mistake shape_error; from
tests/corpus/buggy/layers_affine_dx_no_transpose.py).
"""
import numpy as np


def affine_backward(dout, cache):
    x, w, b = cache
    N = x.shape[0]
    x_flat = x.reshape(N, -1)
    dx = dout.dot(w).reshape(x.shape)
    dw = x_flat.T.dot(dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db
