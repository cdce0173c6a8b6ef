import numpy as np


def _sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(x @ Wx + prev_h @ Wh + b)
    return (next_h, (x, prev_h, Wx, Wh, next_h))


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - next_h ** 2)
    return (da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0))


def rnn_forward(x, h0, Wx, Wh, b):
    n, t_len, _ = x.shape
    h = np.empty((n, t_len, h0.shape[1]))
    prev_h, caches = (h0, [])
    for t in range(t_len):
        prev_h, step = rnn_step_forward(x[:, t], prev_h, Wx, Wh, b)
        h[:, t] = prev_h
        caches.append(step)
    return (h, caches)


def rnn_backward(dh, cache):
    n, t_len, _ = dh.shape
    x0, _, Wx, Wh, _ = cache[0]
    dx = np.empty((n, t_len, x0.shape[1]))
    dWx, dWh, db = (np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wh.shape[1]))
    dprev_h = np.zeros((n, Wh.shape[0]))
    for t in reversed(range(t_len)):
        dx[:, t], dprev_h, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + dprev_h, cache[t])
        dWx, dWh, db = (dWx + dWx_t, dWh + dWh_t, db + db_t)
    return (dx, dprev_h, dWx, dWh, db)


def word_embedding_forward(x, W):
    return (W[x], (x, W.shape))


def word_embedding_backward(dout, cache):
    x, shape = cache
    dW = np.zeros(shape)
    np.add.at(dW, x, dout)
    return dW


def temporal_affine_forward(x, w, b):
    return (x @ w + b, (x, w))


def temporal_affine_backward(dout, cache):
    x, w = cache
    n, t_len, d = x.shape
    return (dout @ w.T, x.reshape(n * t_len, d).T @ dout.reshape(n * t_len, -1), dout.sum(axis=(0, 1)))


def temporal_softmax_loss(x, y, mask, verbose=False):
    n = x.shape[0]
    shifted = x - x.max(axis=2, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=2, keepdims=True))
    picked = np.take_along_axis(log_p, y[:, :, None], axis=2)[:, :, 0]
    loss = -(picked * mask).sum() / n
    dx = np.exp(log_p)
    np.put_along_axis(dx, y[:, :, None], np.take_along_axis(dx, y[:, :, None], axis=2) - 1, axis=2)
    return (loss, dx * mask[:, :, None] / n)


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    hidden = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    i, f, o = (_sigmoid(a[:, k * hidden:(k + 1) * hidden]) for k in range(3))
    g = np.tanh(a[:, 3 * hidden:])
    next_c = f * prev_c + i * g
    tanh_c = np.tanh(next_c)
    return (o * tanh_c, next_c, (x, prev_h, prev_c, Wx, Wh, i, f, o, g, tanh_c))


def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, tanh_c = cache
    dnext_c += dnext_h * o * (1 - np.square(tanh_c))
    dprev_c = dnext_c * f
    da0 = dnext_c * g * i * (1 - i)
    da1 = dnext_c * prev_c * f * (1 - f)
    da2 = dnext_h * tanh_c * o * (1 - o)
    da3 = dnext_c * i * (1 - np.square(g))
    da = np.hstack((da0, da1, da2, da3))
    dx = da @ Wx.T
    dprev_h = da @ Wh.T
    dWx = x.T @ da
    dWh = prev_h.T @ da
    db = da.sum(axis=0)
    return (dx, dprev_h, dprev_c, dWx, dWh, db)


def lstm_forward(x, h0, Wx, Wh, b):
    n, t_len, _ = x.shape
    h = np.empty((n, t_len, h0.shape[1]))
    prev_h, prev_c, caches = (h0, np.zeros_like(h0), [])
    for t in range(t_len):
        prev_h, prev_c, step = lstm_step_forward(x[:, t], prev_h, prev_c, Wx, Wh, b)
        h[:, t] = prev_h
        caches.append(step)
    return (h, caches)


def lstm_backward(dh, cache):
    n, t_len, hidden = dh.shape
    x0, _, _, Wx, Wh = cache[0][:5]
    dx = np.empty((n, t_len, x0.shape[1]))
    dWx, dWh, db = (np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(4 * hidden))
    dprev_h, dprev_c = (np.zeros((n, hidden)), np.zeros((n, hidden)))
    for t in reversed(range(t_len)):
        dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(dh[:, t] + dprev_h, dprev_c, cache[t])
        dWx, dWh, db = (dWx + dWx_t, dWh + dWh_t, db + db_t)
    return (dx, dprev_h, dWx, dWh, db)
