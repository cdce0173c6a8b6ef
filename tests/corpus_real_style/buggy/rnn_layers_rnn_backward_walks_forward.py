import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(np.dot(x, Wx) + np.dot(prev_h, Wh) + b)
    cache = (x, prev_h, Wx, Wh, next_h)
    return next_h, cache


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    dtanh = dnext_h * (1 - next_h * next_h)
    return np.dot(dtanh, Wx.T), np.dot(dtanh, Wh.T), np.dot(x.T, dtanh), np.dot(prev_h.T, dtanh), np.sum(dtanh, axis=0)


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    x = np.transpose(x, axes=(1, 0, 2))
    h = np.zeros((T, N, h0.shape[1]))
    cache = []
    for t in range(T):
        h_prev = h0 if t == 0 else h[t - 1]
        h[t], step = rnn_step_forward(x[t], h_prev, Wx, Wh, b)
        cache.append(step)
    return np.transpose(h, axes=(1, 0, 2)), cache


def rnn_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dh = np.transpose(dh, axes=(1, 0, 2))
    dx = np.zeros((T, N, D))
    dWx, dWh, db = np.zeros((D, H)), np.zeros((H, H)), np.zeros(H)
    dh_prev = np.zeros((N, H))
    for t in range(T):
        dx[t], dh_prev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[t] + dh_prev, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return np.transpose(dx, axes=(1, 0, 2)), dh_prev, dWx, dWh, db
