import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(x.dot(Wx) + prev_h.dot(Wh) + b)
    cache = (x, prev_h, Wx, Wh, next_h)
    return next_h, cache


def rnn_step_backward(dnext_h, cache):
    X, prev_h, Wx, Wh, next_h = cache
    dfw_out = dnext_h * (1 - next_h ** 2)
    dx = dfw_out.dot(Wx.T)
    dprev_h = dfw_out.dot(Wh.T)
    dWx = (X.T).dot(dfw_out)
    dWh = (prev_h.T).dot(dfw_out)
    db = np.sum(dfw_out, axis=0)
    return dx, dprev_h, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b):
    (N, T, D) = x.shape
    H = Wx.shape[1]
    h = np.zeros((N, T, H))
    cache = []
    prev_h = h0
    for t in range(T):
        x_t = np.squeeze(x[:, t, :])
        prev_h, cache_t = rnn_step_forward(x_t, prev_h, Wx, Wh, b)
        h[:, t, :] = prev_h
        cache.append(cache_t)
    return h, cache


def rnn_backward(dh, cache):
    (N, T, H) = dh.shape
    D = cache[0][2].shape[0]
    dx = np.zeros((N, T, D))
    dWx, dWh, db = np.zeros((D, H)), np.zeros((H, H)), np.zeros((H,))
    dprev_h = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dx_t, dprev_h, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :] + dprev_h, cache[t])
        dx[:, t, :] = dx_t
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dprev_h, dWx, dWh, db
