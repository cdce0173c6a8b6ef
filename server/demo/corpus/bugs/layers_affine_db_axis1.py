"""db summed over axis 1 instead of the batch axis 0 (mistake db_wrong_axis; from
tests/corpus/buggy/layers_affine_db_axis1.py).
"""
import numpy as np


def affine_backward(dout, cache):
    x, w, b = cache
    N = x.shape[0]
    x_flat = x.reshape(N, -1)
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x_flat.T.dot(dout)
    db = np.sum(dout, axis=1)
    return dx, dw, db
