import numpy as np


def sigmoid(x):
    pos = x >= 0
    z = np.zeros_like(x)
    z[pos] = np.exp(-x[pos])
    z[~pos] = np.exp(x[~pos])
    top = np.ones_like(x)
    top[~pos] = z[~pos]
    return top / (1 + z)


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    N, H = prev_h.shape
    A = np.dot(x, Wx) + np.dot(prev_h, Wh) + b
    # slices: forget, candidate, input, output
    f = sigmoid(A[:, :H])
    g = np.tanh(A[:, H:2 * H])
    i = sigmoid(A[:, 2 * H:3 * H])
    o = sigmoid(A[:, 3 * H:])
    next_c = f * prev_c + g * i
    next_h = o * np.tanh(next_c)
    cache = (x, prev_h, prev_c, Wx, Wh, i, f, g, o, next_c)
    return next_h, next_c, cache


def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, g, o, next_c = cache
    tanh_c = np.tanh(next_c)
    ds = dnext_c + dnext_h * o * (1 - tanh_c ** 2)
    dprev_c = ds * f
    df = ds * prev_c * f * (1 - f)
    dg = ds * i * (1 - g ** 2)
    di = ds * g * i * (1 - i)
    do = dnext_h * tanh_c * o * (1 - o)
    dA = np.hstack((df, dg, di, do))
    db = dA.sum(axis=0)
    dWh = np.dot(prev_h.T, dA)
    dprev_h = np.dot(dA, Wh.T)
    dWx = np.dot(x.T, dA)
    dx = np.dot(dA, Wx.T)
    return dx, dprev_h, dprev_c, dWx, dWh, db
