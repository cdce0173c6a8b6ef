import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(x.dot(Wx) + prev_h.dot(Wh) + b)
    return next_h, (x, prev_h, Wx, Wh, next_h)


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    dt = dnext_h * (1 - next_h ** 2)
    dWh = prev_h.T.dot(dt)
    dWx = x.T.dot(dt)
    dprev_h = dt.dot(Wh.T)
    db = dt.copy()
    dx = dt.dot(Wx.T)
    return dx, dprev_h, dWx, dWh, db
