import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    z = x.dot(Wx) + prev_h.dot(Wh) + b
    # tanh(z) = (e^z - e^-z) / (e^z + e^-z)
    ep, em = np.exp(z), np.exp(-z)
    next_h = (ep - em) / (ep + em)
    cache = (x, prev_h, Wx, Wh, next_h)
    return next_h, cache


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    dz = dnext_h * (1 - next_h * next_h)
    dx = dz.dot(Wx.T)
    dprev_h = dz.dot(Wh.T)
    dWx = x.T.dot(dz)
    dWh = prev_h.T.dot(dz)
    db = dz.sum(axis=0)
    return dx, dprev_h, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    out = []
    cache = []
    h = h0
    for t in range(T):
        h, c = rnn_step_forward(x[:, t, :], h, Wx, Wh, b)
        out.append(h)
        cache.append(c)
    return np.stack(out, axis=1), cache


def rnn_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dx = np.zeros((N, T, D))
    dWx = np.zeros((D, H))
    dWh = np.zeros((H, H))
    db = np.zeros(H)
    carry = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dx[:, t, :], carry, gx, gh, gb = rnn_step_backward(dh[:, t, :] + carry, cache[t])
        dWx += gx
        dWh += gh
        db += gb
    return dx, carry, dWx, dWh, db
