import numpy as np


def sigmoid(x):
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    gates = np.dot(x, Wx) + np.dot(prev_h, Wh) + b
    i = sigmoid(gates[:, :H])
    f = sigmoid(gates[:, H:2*H])
    o = sigmoid(gates[:, 2*H:3*H])
    g = np.tanh(gates[:, 3*H:])
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    return next_h, next_c, (x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c)


def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
    th = np.tanh(next_c)
    dc = dnext_c + dnext_h * o * (1 - th ** 2)
    dgates = np.hstack([dc * g * i * (1 - i),
                        dc * prev_c * f * (1 - f),
                        dnext_h * th * o * (1 - o),
                        dc * i * (1 - g ** 2)])
    return (np.dot(dgates, Wx.T), np.dot(dgates, Wh.T), dc * f,
            np.dot(x.T, dgates), np.dot(prev_h.T, dgates), dgates.sum(axis=0))


def lstm_forward(x, h0, Wx, Wh, b):
    steps = []
    cache = []
    h, c = h0, np.zeros_like(h0)
    for t in range(x.shape[1]):
        h, c, ct = lstm_step_forward(x[:, t, :], h, c, Wx, Wh, b)
        steps.append(h)
        cache.append(ct)
    return np.stack(steps, axis=1), cache


def lstm_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dx = np.zeros((N, T, D))
    dWx = np.zeros((N, 4 * H))
    dWh = np.zeros((H, 4 * H))
    db = np.zeros(4 * H)
    dh_t = np.zeros((N, H))
    dc_t = np.zeros((N, H))
    for t in reversed(range(T)):
        dx[:, t, :], dh_t, dc_t, gx, gh, gb = lstm_step_backward(dh[:, t, :] + dh_t, dc_t, cache[t])
        dWx = dWx + gx
        dWh = dWh + gh
        db = db + gb
    return dx, dh_t, dWx, dWh, db
