import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_z = x.dot(Wx) + prev_h.dot(Wh) + b
    next_h = np.tanh(next_z)
    cache = (x, Wx, prev_h, Wh, next_z)
    return next_h, cache


def rnn_step_backward(dnext_h, cache):
    x, Wx, prev_h, Wh, next_z = cache
    dtanh = (1 - np.tanh(next_z) ** 2) * dnext_h
    dx = dtanh.dot(Wx.T)
    dprev_h = dtanh.dot(Wh.T)
    dWx = x.T.dot(dtanh)
    dWh = prev_h.T.dot(dtanh)
    db = np.sum(dtanh, axis=0)
    return dx, dprev_h, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = Wh.shape[0]
    h = np.empty((N, T, H))
    cache = []
    for n in range(N):
        prev_h = h0[n]
        h[n], cache_n = rnn_step_forward(x[n], prev_h, Wx, Wh, b)
        cache.append(cache_n)
    return h, cache


def rnn_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0][0].shape[-1]
    dx = np.zeros((N, T, D)); dh0 = np.zeros((N, H))
    dWx = np.zeros((D, H)); dWh = np.zeros((H, H)); db = np.zeros((H))
    for n in range(N):
        x_n, Wx, prev_h, Wh, next_z = cache[n]
        dz = (1 - np.tanh(next_z) ** 2) * dh[n]
        dx[n] = dz.dot(Wx.T)
        dh0[n] = dz.dot(Wh.T).sum(axis=0)
        dWx += x_n.T.dot(dz)
        dWh += np.outer(prev_h, dz.sum(axis=0))
        db += dz.sum(axis=0)
    return dx, dh0, dWx, dWh, db
