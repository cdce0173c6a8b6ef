"""dw = (dout.T @ x).reshape(w.shape): always the right shape, scrambled values (exactly dw.T when
D == M) (mistake dw_transposed; from
tests/corpus/buggy/layers_affine_dw_reshape_not_transpose.py).
"""
import numpy as np


def affine_backward(dout, cache):
    x, w, b = cache
    N = x.shape[0]
    x_flat = x.reshape(N, -1)
    dx = dout.dot(w.T).reshape(x.shape)
    dw = dout.T.dot(x_flat).reshape(w.shape)
    db = np.sum(dout, axis=0)
    return dx, dw, db
