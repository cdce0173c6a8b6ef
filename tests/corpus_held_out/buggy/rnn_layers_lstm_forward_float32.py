import numpy as np


def sigmoid(x):
    return np.exp(-np.logaddexp(0, -x))


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    N, H = prev_h.shape
    A = np.dot(x, Wx) + np.dot(prev_h, Wh) + b
    i = sigmoid(A[:, :H])
    f = sigmoid(A[:, H:2 * H])
    o = sigmoid(A[:, 2 * H:3 * H])
    g = np.tanh(A[:, 3 * H:])
    next_c = f * prev_c + g * i
    next_h = o * np.tanh(next_c)
    cache = (x, prev_h, prev_c, Wx, Wh, i, f, g, o, next_c)
    return next_h, next_c, cache


def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, g, o, next_c = cache
    tanh_c_next = np.tanh(next_c)
    ds = dnext_c + (dnext_h * o) * (1 - tanh_c_next ** 2)
    dprev_c = ds * f
    di = ds * g * i * (1 - i)
    df = ds * prev_c * f * (1 - f)
    do = dnext_h * tanh_c_next * o * (1 - o)
    dg = ds * i * (1 - g ** 2)
    dA = np.hstack((di, df, do, dg))
    dWx = np.dot(x.T, dA)
    dWh = np.dot(prev_h.T, dA)
    db = dA.sum(axis=0)
    dx = np.dot(dA, Wx.T)
    dprev_h = np.dot(dA, Wh.T)
    return dx, dprev_h, dprev_c, dWx, dWh, db


def lstm_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = Wh.shape[0]
    hs = np.empty((N, T, H), dtype='f')
    h = h0
    c = np.zeros((N, H))
    layers = []
    for t in range(T):
        h, c, step_cache = lstm_step_forward(x[:, t, :], h, c, Wx, Wh, b)
        hs[:, t, :] = h
        layers.append(step_cache)
    return hs, layers


def lstm_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dxs = np.empty((N, T, D))
    dWx = np.zeros((D, 4 * H))
    dWh = np.zeros((H, 4 * H))
    db = np.zeros(4 * H)
    dh_prev, dc_prev = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        dx, dh_prev, dc_prev, dWx_t, dWh_t, db_t = lstm_step_backward(dh[:, t, :] + dh_prev, dc_prev, cache[t])
        dxs[:, t, :] = dx
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dxs, dh_prev, dWx, dWh, db
