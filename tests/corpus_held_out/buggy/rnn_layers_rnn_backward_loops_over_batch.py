import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    out = np.matmul(x, Wx) + np.matmul(prev_h, Wh) + b
    next_h = np.tanh(out)
    cache = [x, prev_h, Wx, Wh, b, next_h]
    return next_h, cache


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, b, next_h = cache
    dtanh = (1.0 - next_h * next_h) * dnext_h
    db = np.sum(dtanh, axis=0)
    dWh = np.matmul(prev_h.T, dtanh)
    dprev_h = np.matmul(dtanh, Wh.T)
    dWx = np.matmul(x.T, dtanh)
    dx = np.matmul(dtanh, Wx.T)
    return dx, dprev_h, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = b.shape[0]
    h = np.zeros((N, T, H))
    local_cache = {}
    pre_h = h0.copy()
    for i in range(T):
        h[:, i, :], local_cache[i] = rnn_step_forward(x[:, i, :], pre_h, Wx, Wh, b)
        pre_h = h[:, i, :]
    cache = [x, h0, Wx, Wh, b, local_cache]
    return h, cache


def rnn_backward(dh, cache):
    x, h0, Wx, Wh, b, local_cache = cache
    N, T, D = x.shape
    H = b.shape[0]
    dx = np.zeros((N, T, D))
    dh0 = np.zeros((N, H))
    dWx = np.zeros((D, H))
    dWh = np.zeros((H, H))
    db = np.zeros((H,))
    for i in reversed(range(N)):
        ldx, dh0, lWx, lWh, ldb = rnn_step_backward(dh[:, i, :] + dh0, local_cache[i])
        dx[:, i, :] = ldx
        dWx += lWx
        dWh += lWh
        db += ldb
    return dx, dh0, dWx, dWh, db
