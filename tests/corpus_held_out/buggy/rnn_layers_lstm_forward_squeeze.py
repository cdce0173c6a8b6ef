import numpy as np


def sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    act = x.dot(Wx) + prev_h.dot(Wh) + b
    gi, gf, go = sigmoid(act[:, :H]), sigmoid(act[:, H:2*H]), sigmoid(act[:, 2*H:3*H])
    gg = np.tanh(act[:, 3*H:])
    next_c = gf * prev_c + gi * gg
    tc = np.tanh(next_c)
    next_h = go * tc
    return next_h, next_c, (x, prev_h, prev_c, Wx, Wh, gi, gf, go, gg, tc)


def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, gi, gf, go, gg, tc = cache
    dc = dnext_c + dnext_h * go * (1 - tc ** 2)
    dact = np.concatenate([dc * gg * gi * (1 - gi),
                           dc * prev_c * gf * (1 - gf),
                           dnext_h * tc * go * (1 - go),
                           dc * gi * (1 - gg ** 2)], axis=1)
    dx = dact.dot(Wx.T)
    dprev_h = dact.dot(Wh.T)
    dprev_c = dc * gf
    dWx = x.T.dot(dact)
    dWh = prev_h.T.dot(dact)
    db = dact.sum(axis=0)
    return dx, dprev_h, dprev_c, dWx, dWh, db


def lstm_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    hs, cs = h0, np.zeros_like(h0)
    cache = []
    for t in range(T):
        xt = x[:, t, :].squeeze()
        hs, cs, ct = lstm_step_forward(xt, hs, cs, Wx, Wh, b)
        h[:, t, :] = hs
        cache.append(ct)
    return h, cache


def lstm_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0][3].shape[0]
    dx = np.zeros((N, T, D))
    dWx, dWh, db = np.zeros((D, 4*H)), np.zeros((H, 4*H)), np.zeros(4*H)
    dh_next, dc_next = np.zeros((N, H)), np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dx[:, t, :], dh_next, dc_next, a, b_, c = lstm_step_backward(dh[:, t, :] + dh_next, dc_next, cache[t])
        dWx += a
        dWh += b_
        db += c
    return dx, dh_next, dWx, dWh, db
