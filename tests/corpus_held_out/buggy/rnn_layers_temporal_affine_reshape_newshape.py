import numpy as np


def temporal_affine_forward(x, w, b):
    N, T, D = x.shape
    _, M = w.shape
    out = np.zeros([N, T, M])
    for i in range(N):
        for j in range(T):
            out[i, j, :] = np.dot(x[i, j, :], w) + b
    cache = (x, w)
    return out, cache


def temporal_affine_backward(dout, cache):
    x, w = cache
    N, T, M = dout.shape
    _, _, D = x.shape
    db = np.sum(dout, axis=(0, 1))
    x_tmp = np.reshape(x, newshape=(N * T, D))
    dout_tmp = np.reshape(dout, newshape=(N * T, M))
    dw = np.dot(x_tmp.T, dout_tmp)
    dx_tmp = np.dot(dout_tmp, w.T)
    dx = np.reshape(dx_tmp, newshape=(N, T, D))
    return dx, dw, db
