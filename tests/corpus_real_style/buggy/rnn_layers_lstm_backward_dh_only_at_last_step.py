import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    N, H = prev_h.shape
    a = np.dot(x, Wx) + np.dot(prev_h, Wh) + b
    i, f, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), sigmoid(a[:, 2 * H:3 * H])
    g = np.tanh(a[:, 3 * H:])
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    return next_h, next_c, (x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c)


def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
    dnext_c_both = dnext_c + dnext_h * o * (1 - np.square(np.tanh(next_c)))
    da_i = i * (1 - i) * g * dnext_c_both
    da_f = f * (1 - f) * prev_c * dnext_c_both
    da_o = o * (1 - o) * np.tanh(next_c) * dnext_h
    da_g = (1 - np.square(g)) * i * dnext_c_both
    dA = np.hstack((da_i, da_f, da_o, da_g))
    return (np.dot(dA, Wx.T), np.dot(dA, Wh.T), f * dnext_c_both, np.dot(x.T, dA), np.dot(prev_h.T, dA),
            np.sum(dA, axis=0))


def lstm_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    cache = []
    prev_h, prev_c = h0, np.zeros_like(h0)
    for idx in range(T):
        prev_h, prev_c, c = lstm_step_forward(x[:, idx, :], prev_h, prev_c, Wx, Wh, b)
        h[:, idx, :] = prev_h
        cache.append(c)
    return h, cache


def lstm_backward(dh, cache):
    N, T, H = dh.shape
    x0 = cache[0][0]
    dx = np.zeros((N, T, x0.shape[1]))
    dWx = np.zeros((x0.shape[1], 4 * H))
    dWh = np.zeros((H, 4 * H))
    db = np.zeros(4 * H)
    dnext_h = dh[:, T - 1, :]
    dnext_c = np.zeros((N, H))
    for idx in reversed(range(T)):
        dx[:, idx, :], dnext_h, dnext_c, dWx_step, dWh_step, db_step = lstm_step_backward(dnext_h, dnext_c, cache[idx])
        dWx += dWx_step
        dWh += dWh_step
        db += db_step
    dh0 = dnext_h
    return dx, dh0, dWx, dWh, db
