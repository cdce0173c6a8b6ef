import numpy as np


def sigmoid(v):
    return np.exp(-np.logaddexp(0, -v))


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    N, H = prev_h
    z = np.dot(x, Wx) + np.dot(prev_h, Wh) + b
    in_gate = sigmoid(z[:, :H])
    forget_gate = sigmoid(z[:, H:2 * H])
    out_gate = sigmoid(z[:, 2 * H:3 * H])
    cand = np.tanh(z[:, 3 * H:])
    next_c = forget_gate * prev_c + in_gate * cand
    next_h = out_gate * np.tanh(next_c)
    cache = (x, prev_h, prev_c, Wx, Wh, in_gate, forget_gate, out_gate, cand, next_c)
    return next_h, next_c, cache


def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, in_gate, forget_gate, out_gate, cand, next_c = cache
    tanh_c = np.tanh(next_c)
    dc = dnext_c + dnext_h * out_gate * (1 - tanh_c ** 2)
    dz = np.hstack([dc * cand * in_gate * (1 - in_gate),
                    dc * prev_c * forget_gate * (1 - forget_gate),
                    dnext_h * tanh_c * out_gate * (1 - out_gate),
                    dc * in_gate * (1 - cand ** 2)])
    dx = np.dot(dz, Wx.T)
    dprev_h = np.dot(dz, Wh.T)
    dprev_c = dc * forget_gate
    dWx = np.dot(x.T, dz)
    dWh = np.dot(prev_h.T, dz)
    db = np.sum(dz, axis=0)
    return dx, dprev_h, dprev_c, dWx, dWh, db
