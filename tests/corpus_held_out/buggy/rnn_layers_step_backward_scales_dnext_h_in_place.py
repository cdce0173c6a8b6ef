import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tensordot(x, Wx, axes=(1, 0)) + np.tensordot(prev_h, Wh, axes=(1, 0)) + b.reshape(1, -1)
    next_h = np.tanh(next_h)
    cache = (Wx, Wh, x, prev_h, next_h)
    return next_h, cache


def rnn_step_backward(dnext_h, cache):
    Wx, Wh, x, prev_h, next_h = cache
    dnext_h *= (1 - next_h ** 2)
    dx = np.tensordot(dnext_h, Wx, axes=(1, 1))
    dWx = np.tensordot(x, dnext_h, axes=(0, 0))
    dprev_h = np.tensordot(dnext_h, Wh, axes=(1, 1))
    dWh = np.tensordot(prev_h, dnext_h, axes=(0, 0))
    db = dnext_h.sum(axis=0)
    return dx, dprev_h, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    h, cache = [None] * T, [None] * T
    prev_h = h0
    for i in range(T):
        h[i], cache[i] = rnn_step_forward(x[:, i], prev_h, Wx, Wh, b)
        prev_h = h[i]
    h = np.stack(h, axis=1)
    return h, cache


def rnn_backward(dh, cache):
    N, T, H = dh.shape
    dx = np.zeros((N, T, cache[0][2].shape[1]))
    dprev_h, dWx, dWh, db = [0] * 4
    for i in range(T - 1, -1, -1):
        dx[:, i], dprev_h, dWx_, dWh_, db_ = rnn_step_backward(dh[:, i] + dprev_h, cache[i])
        dWx += dWx_
        dWh += dWh_
        db += db_
    dh0 = dprev_h
    return dx, dh0, dWx, dWh, db
