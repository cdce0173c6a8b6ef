import numpy as np


def sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    N, H = prev_h.shape  # N : mini-batch size, H : hidden size
    affine = np.matmul(x, Wx) + np.matmul(prev_h, Wh) + b
    i = sigmoid(affine[:, :H])
    f = sigmoid(affine[:, H:2 * H])
    o = sigmoid(affine[:, 2 * H:3 * H])
    g = np.tanh(affine[:, 3 * H:])
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

    dWh = np.dot(prev_h.T, dA)
    dWx = np.dot(x.T, dA)
    db = dA.sum(axis=0)
    dx = np.dot(dA, Wh.T)
    dprev_h = np.dot(dA, Wh.T)
    return dx, dprev_h, dprev_c, dWx, dWh, db
