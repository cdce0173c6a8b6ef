"""db summed with keepdims=True: (1, M) for (M,) (mistake db_keepdims; from
tests/corpus/buggy/layers_affine_db_keepdims.py).
"""
import numpy as np


def affine_backward(dout, cache):
    x, w, b = cache
    N = x.shape[0]
    x_flat = x.reshape(N, -1)
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x_flat.T.dot(dout)
    db = np.sum(dout, axis=0, keepdims=True)
    return dx, dw, db
