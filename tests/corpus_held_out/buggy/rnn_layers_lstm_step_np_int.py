import numpy as np


def sigmoid(x):
    pos_mask = (x >= 0)
    neg_mask = (x < 0)
    z = np.zeros_like(x)
    z[pos_mask] = np.exp(-x[pos_mask])
    z[neg_mask] = np.exp(x[neg_mask])
    top = np.ones_like(x)
    top[neg_mask] = z[neg_mask]
    return top / (1 + z)


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = np.int(len(b) / 4)
    a = np.dot(x, Wx) + np.dot(prev_h, Wh) + b
    i = sigmoid(a[:, 0:H])
    f = sigmoid(a[:, H:2 * H])
    o = sigmoid(a[:, 2 * H:3 * H])
    g = np.tanh(a[:, 3 * H:4 * H])
    next_c = i * g + f * prev_c
    next_c_tanh = np.tanh(next_c)
    next_h = o * next_c_tanh
    cache = {}
    cache['i'] = i
    cache['f'] = f
    cache['o'] = o
    cache['g'] = g
    cache['next_c_tanh'] = next_c_tanh
    cache['x'] = x
    cache['prev_h'] = prev_h
    cache['prev_c'] = prev_c
    cache['Wx'] = Wx
    cache['Wh'] = Wh
    return next_h, next_c, cache


def lstm_step_backward(dnext_h, dnext_c, cache):
    i, f, o, g = cache['i'], cache['f'], cache['o'], cache['g']
    next_c_tanh = cache['next_c_tanh']
    x, prev_h, prev_c = cache['x'], cache['prev_h'], cache['prev_c']
    Wx, Wh = cache['Wx'], cache['Wh']
    do = dnext_h * next_c_tanh
    dnext_c = dnext_c + dnext_h * o * (1 - next_c_tanh * next_c_tanh)
    di = dnext_c * g
    dg = dnext_c * i
    dprev_c = dnext_c * f
    df = dnext_c * prev_c
    da = np.concatenate((di * i * (1 - i), df * f * (1 - f), do * o * (1 - o), dg * (1 - g * g)), axis=1)
    db = np.sum(da, axis=0)
    dWx = np.dot(x.T, da)
    dx = np.dot(da, Wx.T)
    dWh = np.dot(prev_h.T, da)
    dprev_h = np.dot(da, Wh.T)
    return dx, dprev_h, dprev_c, dWx, dWh, db
