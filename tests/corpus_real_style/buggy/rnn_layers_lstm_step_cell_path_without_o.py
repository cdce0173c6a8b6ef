import numpy as np


def sigmoid(x):
    return np.exp(-np.logaddexp(0, -x))


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    N, H = prev_h.shape
    a = np.dot(x, Wx) + np.dot(prev_h, Wh) + b
    i = sigmoid(a[:, :H])
    f = sigmoid(a[:, H:2 * H])
    o = sigmoid(a[:, 2 * H:3 * H])
    g = np.tanh(a[:, 3 * H:])
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    cache = (x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c)
    return next_h, next_c, cache


def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
    dnext_c_both = dnext_c + dnext_h * (1 - np.square(np.tanh(next_c)))
    dprev_c = f * dnext_c_both
    di = g * dnext_c_both
    df = prev_c * dnext_c_both
    do = np.tanh(next_c) * dnext_h
    dg = i * dnext_c_both
    dA = np.hstack((i * (1 - i) * di, f * (1 - f) * df, o * (1 - o) * do, (1 - np.square(g)) * dg))
    dx = np.dot(dA, Wx.T)
    dWx = np.dot(x.T, dA)
    dprev_h = np.dot(dA, Wh.T)
    dWh = np.dot(prev_h.T, dA)
    db = np.sum(dA, axis=0)
    return dx, dprev_h, dprev_c, dWx, dWh, db
