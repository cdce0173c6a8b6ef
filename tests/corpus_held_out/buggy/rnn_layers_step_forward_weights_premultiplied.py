import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(Wx.dot(prev_h) + Wh.dot(x) + b)
    cache = (x, prev_h, next_h, Wx, Wh, b)
    return next_h, cache


def rnn_step_backward(dnext_h, cache):
    x, prev_h, next_h, Wx, Wh, b = cache
    dz = dnext_h * (1 - next_h ** 2)
    dprev_h = np.dot(dz, Wh.T)
    dx = np.dot(dz, Wx.T)
    dWx = np.dot(x.T, dz)
    dWh = np.dot(prev_h.T, dz)
    db = np.sum(dz, axis=0)
    return dx, dprev_h, dWx, dWh, db
