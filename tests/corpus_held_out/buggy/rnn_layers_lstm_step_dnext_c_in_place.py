import numpy as np


def sigmoid(x):
    pos_mask = x >= 0
    neg_mask = x < 0
    z = np.zeros_like(x)
    z[pos_mask] = np.exp(-x[pos_mask])
    z[neg_mask] = np.exp(x[neg_mask])
    top = np.ones_like(x)
    top[neg_mask] = z[neg_mask]
    return top / (1 + z)


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    z = x @ Wx + prev_h @ Wh + b
    igate = sigmoid(z[:, :H])
    fgate = sigmoid(z[:, H:2 * H])
    ogate = sigmoid(z[:, 2 * H:3 * H])
    ggate = np.tanh(z[:, 3 * H:])
    next_c = fgate * prev_c + igate * ggate
    next_h = ogate * np.tanh(next_c)
    cache = (x, Wx, Wh, next_c, prev_c, prev_h, igate, fgate, ogate, ggate)
    return next_h, next_c, cache


def lstm_step_backward(dnext_h, dnext_c, cache):
    N, H = dnext_h.shape
    x, Wx, Wh, next_c, prev_c, prev_h, igate, fgate, ogate, ggate = cache
    dogate = dnext_h * np.tanh(next_c)
    dnext_c += dnext_h * ogate * (1.0 - np.tanh(next_c) ** 2)
    dfgate = dnext_c * prev_c
    dprev_c = dnext_c * fgate
    digate = dnext_c * ggate
    dggate = dnext_c * igate
    dz = np.zeros((N, 4 * H))
    dz[:, :H] = digate * igate * (1.0 - igate)
    dz[:, H:2 * H] = dfgate * fgate * (1.0 - fgate)
    dz[:, 2 * H:3 * H] = dogate * ogate * (1.0 - ogate)
    dz[:, 3 * H:] = dggate * (1.0 - ggate ** 2)
    dx = dz @ Wx.T
    dWx = x.T @ dz
    dprev_h = dz @ Wh.T
    dWh = prev_h.T @ dz
    db = np.sum(dz, axis=0)
    return dx, dprev_h, dprev_c, dWx, dWh, db
