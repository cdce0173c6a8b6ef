import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    t = np.dot(prev_h, Wh) + np.dot(x, Wx) + b
    next_h = np.tanh(t)
    return next_h, (x, prev_h, Wx, Wh, next_h)


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    dt = dnext_h * (1 - next_h ** 2)
    return np.dot(dt, Wx.T), np.dot(dt, Wh.T), np.dot(x.T, dt), np.dot(prev_h.T, dt), np.sum(dt, axis=0)


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    hs = np.empty((N, T, H), dtype='f')
    layers = []
    h = h0
    for t in range(T):
        h, step = rnn_step_forward(x[:, t, :], h, Wx, Wh, b)
        hs[:, t, :] = h
        layers.append(step)
    return hs, layers


def rnn_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dx = np.zeros((N, T, D))
    dWx = np.zeros((D, H))
    dWh = np.zeros((H, H))
    db = np.zeros(H)
    dprev = np.zeros((N, H))
    for t in reversed(range(T)):
        dx_t, dprev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :] + dprev, cache[t])
        dx[:, t, :] = dx_t
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dprev, dWx, dWh, db
