import numpy as np


def sigmoid(z):
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1 + ez)
    return out


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    # raw gate inputs
    a_i, a_f, a_o, a_g = a[:, :H], a[:, H:2*H], a[:, 2*H:3*H], a[:, 3*H:]
    # gate values
    i, f, o, g = sigmoid(a_i), sigmoid(a_f), sigmoid(a_o), np.tanh(a_g)
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    cache = (x, prev_h, prev_c, Wx, Wh, a_i, a_f, a_o, a_g, next_c)
    return next_h, next_c, cache


def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, a_i, a_f, a_o, a_g, next_c = cache
    t = np.tanh(next_c)
    d_o = dnext_h * t
    dc = dnext_c + dnext_h * a_o * (1 - t ** 2)
    d_f = dc * prev_c
    d_i = dc * a_g
    d_g = dc * a_i
    dprev_c = dc * a_f
    s_i, s_f, s_o = sigmoid(a_i), sigmoid(a_f), sigmoid(a_o)
    da = np.hstack([d_i * s_i * (1 - s_i),
                    d_f * s_f * (1 - s_f),
                    d_o * s_o * (1 - s_o),
                    d_g * (1 - np.tanh(a_g) ** 2)])
    dx = da @ Wx.T
    dprev_h = da @ Wh.T
    dWx = x.T @ da
    dWh = prev_h.T @ da
    db = da.sum(axis=0)
    return dx, dprev_h, dprev_c, dWx, dWh, db
