import numpy as np


def sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = np.dot(x, Wx) + np.dot(prev_h, Wh) + b
    i = sigmoid(a[:, :H])
    f = sigmoid(a[:, H:2*H])
    o = sigmoid(a[:, 2*H:3*H])
    g = np.tanh(a[:, 3*H:])
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    return next_h, next_c, (i, f, o, g, Wx, Wh, prev_h, prev_c, x, next_c)


def lstm_step_backward(dnext_h, dnext_c, cache):
    i, f, o, g, Wx, Wh, prev_h, prev_c, x, next_c = cache
    tc = np.tanh(next_c)
    dc = dnext_c + o * (1 - tc ** 2) * dnext_h
    da = np.hstack((i * (1 - i) * g * dc,
                    f * (1 - f) * prev_c * dc,
                    o * (1 - o) * tc * dnext_h,
                    (1 - g ** 2) * i * dc))
    return (np.dot(da, Wx.T), np.dot(da, Wh.T), f * dc,
            np.dot(x.T, da), np.dot(prev_h.T, da), np.sum(da, axis=0))


def lstm_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    c = np.zeros((N, H))
    prev_h = h0
    cache = []
    for t in range(T):
        if t > 0:
            prev_h = h[t - 1]
        h[:, t, :], c, step_cache = lstm_step_forward(x[:, t, :], prev_h, c, Wx, Wh, b)
        cache.append(step_cache)
    return h, cache


def lstm_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0][8].shape[1]
    dx = np.zeros((N, T, D))
    dWx = np.zeros((D, 4 * H))
    dWh = np.zeros((H, 4 * H))
    db = np.zeros(4 * H)
    dh_prev = np.zeros((N, H))
    dc_prev = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dx[:, t, :], dh_prev, dc_prev, gx, gh, gb = lstm_step_backward(dh[:, t, :] + dh_prev, dc_prev, cache[t])
        dWx += gx
        dWh += gh
        db += gb
    return dx, dh_prev, dWx, dWh, db
