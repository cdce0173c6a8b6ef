import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(np.dot(x, Wx) + np.dot(prev_h, Wh) + b)
    cache = (x, prev_h, Wx, Wh, next_h)
    return next_h, cache


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    dtanh = (1 - next_h ** 2) * dnext_h
    return np.dot(dtanh, Wx.T), np.dot(dtanh, Wh.T), np.dot(x.T, dtanh), np.dot(prev_h.T, dtanh), dtanh.sum(0)


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    h = np.empty((N, T, h0.shape[1]))
    cache = []
    for t in range(T):
        step_x = x[:, t, :]
        (next_h, step_cache) = rnn_step_forward(step_x, h0, Wx, Wh, b)
        h[:, t, :] = next_h
        cache.append(step_cache)
    return h, cache


def rnn_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dx = np.empty((N, T, D))
    dWx, dWh, db = np.zeros((D, H)), np.zeros((H, H)), np.zeros(H)
    dprev_h = np.zeros((N, H))
    for t in reversed(range(T)):
        step_dx, dprev_h, step_dWx, step_dWh, step_db = rnn_step_backward(dh[:, t, :] + dprev_h, cache[t])
        dx[:, t, :] = step_dx
        dWx += step_dWx
        dWh += step_dWh
        db += step_db
    return dx, dprev_h, dWx, dWh, db
