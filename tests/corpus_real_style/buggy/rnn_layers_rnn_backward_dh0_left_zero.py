import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(np.dot(x, Wx) + np.dot(prev_h, Wh) + b)
    return next_h, (x, prev_h, Wx, Wh, next_h)


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    dtanh = dnext_h * (1 - next_h ** 2)
    return np.dot(dtanh, Wx.T), np.dot(dtanh, Wh.T), np.dot(x.T, dtanh), np.dot(prev_h.T, dtanh), dtanh.sum(axis=0)


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    cache = []
    prev_h = h0
    for t in range(T):
        prev_h, c = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, b)
        h[:, t, :] = prev_h
        cache.append(c)
    return h, cache


def rnn_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dx = np.zeros((N, T, D))
    dh0 = np.zeros((N, H))
    dWx = np.zeros((D, H))
    dWh = np.zeros((H, H))
    db = np.zeros((H,))
    dprev_h_single = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dnext_h_single = dh[:, t, :] + dprev_h_single
        dx_single, dprev_h_single, dWx_single, dWh_single, db_single = rnn_step_backward(dnext_h_single, cache[t])
        dx[:, t, :] = dx_single
        dWx += dWx_single
        dWh += dWh_single
        db += db_single
    return dx, dh0, dWx, dWh, db
