import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x.dot(Wx) + prev_h.dot(Wh) + b
    i, f, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), sigmoid(a[:, 2 * H:3 * H])
    g = np.tanh(a[:, 3 * H:])
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    return next_h, next_c, (i, f, o, g, next_c, prev_c, prev_h, Wh, Wx, x)


def lstm_step_backward(dnext_h, dnext_c, cache):
    i, f, o, g, next_c, prev_c, prev_h, Wh, Wx, x = cache
    t_c = np.tanh(next_c)
    dc = dnext_c + dnext_h * o * (1 - t_c ** 2)
    da = np.concatenate((dc * g * i * (1 - i), dc * prev_c * f * (1 - f),
                         dnext_h * t_c * o * (1 - o), dc * i * (1 - g ** 2)), axis=1)
    return da.dot(Wx.T), da.dot(Wh.T), dc * f, x.T.dot(da), prev_h.T.dot(da), da.sum(axis=0)


def lstm_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    cache = {}
    c = np.zeros_like(h0)
    h[:, 0, :], c, cache[0] = lstm_step_forward(x[:, 0, :], h0, c, Wx, Wh, b)
    for t in range(1, T):
        h[:, t, :], c, cache[t] = lstm_step_forward(x[:, t, :], h[:, t - 1, :], c, Wx, Wh, b)
    return h, cache


def lstm_backward(dh, cache):
    N, T, H = dh.shape
    N, D = cache[1][-1].shape
    dx = np.zeros((N, T, D))
    dWx, dWh, db = np.zeros((D, 4 * H)), np.zeros((H, 4 * H)), np.zeros(4 * H)
    dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        dx[:, t, :], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(dh[:, t, :] + dprev_h, dprev_c, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dprev_h, dWx, dWh, db
