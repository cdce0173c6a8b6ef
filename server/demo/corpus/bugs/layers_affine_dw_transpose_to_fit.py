"""dw = dout.T @ x, transposed only when its shape does not fit: wrong (transposed) exactly when D
== M (mistake dw_transposed; from tests/corpus/buggy/layers_affine_dw_transpose_to_fit.py).
"""
import numpy as np


def affine_backward(dout, cache):
    x, w, b = cache
    N = x.shape[0]
    x_flat = x.reshape(N, -1)
    dx = dout.dot(w.T).reshape(x.shape)
    dw = dout.T.dot(x_flat)
    if dw.shape != w.shape:
        dw = dw.T
    db = np.sum(dout, axis=0)
    return dx, dw, db
