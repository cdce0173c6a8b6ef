import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(x @ Wx + prev_h @ Wh + b)
    return next_h, (x, prev_h, Wx, Wh, next_h)


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    dz = dnext_h * (1 - next_h ** 2)
    return dz @ Wx.T, dz @ Wh.T, x.T @ dz, prev_h.T @ dz, dz.sum(axis=0)


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    h = np.empty((N, T, h0.shape[1]))
    steps = []
    state = h0
    for t in range(T):
        state, step_cache = rnn_step_forward(x[:, t, :], state, Wx, Wh, b)
        h[:, t, :] = state
        steps.append(step_cache)
    steps.append(D)              # the input width, for the backward
    return h, steps


def rnn_backward(dh, cache):
    N, T, H = dh.shape
    D = cache.pop()
    dx = np.empty((N, T, D))
    dWx, dWh, db = np.zeros((D, H)), np.zeros((H, H)), np.zeros(H)
    carried = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dx[:, t, :], carried, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :] + carried, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, carried, dWx, dWh, db
