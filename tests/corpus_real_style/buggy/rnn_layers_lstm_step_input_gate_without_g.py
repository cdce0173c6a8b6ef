import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = np.dot(x, Wx) + np.dot(prev_h, Wh) + b
    i = sigmoid(a[:, 0:H])
    f = sigmoid(a[:, H:2 * H])
    o = sigmoid(a[:, 2 * H:3 * H])
    g = np.tanh(a[:, 3 * H:4 * H])
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    cache = (i, f, o, g, x, Wx, Wh, prev_c, prev_h, next_c)
    return next_h, next_c, cache


def lstm_step_backward(dnext_h, dnext_c, cache):
    i, f, o, g, x, Wx, Wh, prev_c, prev_h, next_c = cache
    do = np.tanh(next_c) * dnext_h
    dc = dnext_c + o * (1 - np.tanh(next_c) ** 2) * dnext_h
    di, df, dg, dprev_c = dc, dc * prev_c, dc * i, dc * f
    da = np.hstack([i * (1 - i) * di, f * (1 - f) * df, o * (1 - o) * do, (1 - g * g) * dg])
    dx = np.dot(da, Wx.T)
    dWx = np.dot(x.T, da)
    dprev_h = np.dot(da, Wh.T)
    dWh = np.dot(prev_h.T, da)
    db = np.sum(da, axis=0)
    return dx, dprev_h, dprev_c, dWx, dWh, db
