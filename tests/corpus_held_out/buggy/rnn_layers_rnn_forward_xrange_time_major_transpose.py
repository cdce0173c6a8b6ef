"""Reference solution: the recurrent layers of CS231n's assignment 3 (cs231n/rnn_layers.py).

A vanilla RNN and an LSTM, one step and a whole sequence, a word embedding, an affine layer
applied at every time step, and the softmax loss over a masked sequence. The same pattern as
every layer: forward -> (output(s), cache), backward(upstream gradient(s), cache) -> gradients.
A sequence is the step unrolled over time: the backward walks the steps from the last to the
first, and the gradient reaching h at step t is dh[:, t] plus what step t + 1 sent back.
"""

import numpy as np


def _sigmoid(z):
    """1 / (1 + exp(-z)), without overflow for large |z|."""
    return np.exp(-np.logaddexp(0.0, -z))


# --- vanilla RNN -----------------------------------------------------------------------------------


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    """next_h = tanh(x @ Wx + prev_h @ Wh + b); x (N, D), prev_h (N, H). Returns (next_h, cache)."""
    next_h = np.tanh(x @ Wx + prev_h @ Wh + b)
    return next_h, (x, prev_h, Wx, Wh, next_h)


def rnn_step_backward(dnext_h, cache):
    """Returns (dx, dprev_h, dWx, dWh, db); tanh's local gradient is 1 - next_h ** 2."""
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - next_h ** 2)
    return da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0)


def rnn_forward(x, h0, Wx, Wh, b):
    """The step over a whole sequence x (N, T, D) from h0 (N, H). Returns (h (N, T, H), cache)."""
    cache = []
    N, T, D = x.shape
    H = h0.shape[1]
    x = x.transpose(1, 0, 2)
    h = np.zeros((T, N, H))
    h[-1] = h0
    for i in xrange(T):
        if i == 0:
            hprev = h0
        else:
            hprev = h[i - 1]
        h[i], cache_next = rnn_step_forward(x[i], hprev, Wx, Wh, b)
        cache.append(cache_next)
    h = h.transpose(1, 0, 2)
    return h, cache


def rnn_backward(dh, cache):
    """Backprop through time: returns (dx, dh0, dWx, dWh, db). dh (N, T, H) is the loss's gradient
    at every step's output; the weights are shared by every step, so their gradients add up."""
    n, t_len, _ = dh.shape
    x0, _, Wx, Wh, _ = cache[0]
    dx = np.empty((n, t_len, x0.shape[1]))
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wh.shape[1])
    dprev_h = np.zeros((n, Wh.shape[0]))
    for t in reversed(range(t_len)):
        dx[:, t], dprev_h, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + dprev_h, cache[t])
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return dx, dprev_h, dWx, dWh, db


# --- word embedding and the temporal layers --------------------------------------------------------


def word_embedding_forward(x, W):
    """out[n, t] = W[x[n, t]]: x (N, T) holds word indices into the rows of W (V, D)."""
    return W[x], (x, W.shape)


def word_embedding_backward(dout, cache):
    """dW: each row of W gets the dout of every position that used it (a repeated word adds up)."""
    x, shape = cache
    dW = np.zeros(shape)
    np.add.at(dW, x, dout)
    return dW


def temporal_affine_forward(x, w, b):
    """The affine layer at every step: x (N, T, D), w (D, M), b (M,) -> out (N, T, M)."""
    return x @ w + b, (x, w)


def temporal_affine_backward(dout, cache):
    """Returns (dx, dw, db); w and b are used at every (n, t), so their gradients sum over both."""
    x, w = cache
    n, t_len, d = x.shape
    return dout @ w.T, x.reshape(n * t_len, d).T @ dout.reshape(n * t_len, -1), dout.sum(axis=(0, 1))


def temporal_softmax_loss(x, y, mask, verbose=False):
    """Softmax loss over scores x (N, T, V) with labels y (N, T), counting only the steps where mask
    (N, T) is true, summed over time and averaged over the N sequences. Returns (loss, dx)."""
    n = x.shape[0]
    shifted = x - x.max(axis=2, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=2, keepdims=True))
    picked = np.take_along_axis(log_p, y[:, :, None], axis=2)[:, :, 0]
    loss = -(picked * mask).sum() / n
    dx = np.exp(log_p)
    np.put_along_axis(dx, y[:, :, None], np.take_along_axis(dx, y[:, :, None], axis=2) - 1, axis=2)
    return loss, dx * mask[:, :, None] / n


# --- LSTM ---------------------------------------------------------------------------------------


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """One LSTM step. a = x @ Wx + prev_h @ Wh + b (N, 4H) splits into the input, forget and output
    gates (sigmoid) and the candidate g (tanh), in that order; next_c = f * prev_c + i * g and
    next_h = o * tanh(next_c). Returns (next_h, next_c, cache)."""
    hidden = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    i, f, o = (_sigmoid(a[:, k * hidden:(k + 1) * hidden]) for k in range(3))
    g = np.tanh(a[:, 3 * hidden:])
    next_c = f * prev_c + i * g
    tanh_c = np.tanh(next_c)
    return o * tanh_c, next_c, (x, prev_h, prev_c, Wx, Wh, i, f, o, g, tanh_c)


def lstm_step_backward(dnext_h, dnext_c, cache):
    """Returns (dx, dprev_h, dprev_c, dWx, dWh, db). next_c reaches the loss twice: directly
    (dnext_c) and through next_h = o * tanh(next_c)."""
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, tanh_c = cache
    dc = dnext_c + dnext_h * o * (1 - tanh_c ** 2)
    da = np.concatenate([dc * g * i * (1 - i),           # input gate
                         dc * prev_c * f * (1 - f),      # forget gate
                         dnext_h * tanh_c * o * (1 - o),  # output gate
                         dc * i * (1 - g ** 2)], axis=1)  # candidate (g is already tanh'd)
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, prev_h.T @ da, da.sum(axis=0)


def lstm_forward(x, h0, Wx, Wh, b):
    """The LSTM over a sequence x (N, T, D) from h0 (N, H) and a zero initial cell.
    Returns (h (N, T, H), cache)."""
    n, t_len, _ = x.shape
    h = np.empty((n, t_len, h0.shape[1]))
    prev_h, prev_c, caches = h0, np.zeros_like(h0), []
    for t in range(t_len):
        prev_h, prev_c, step = lstm_step_forward(x[:, t], prev_h, prev_c, Wx, Wh, b)
        h[:, t] = prev_h
        caches.append(step)
    return h, caches


def lstm_backward(dh, cache):
    """Backprop through time for the LSTM: returns (dx, dh0, dWx, dWh, db). Both the hidden state's
    and the cell's gradients flow back from step t + 1 into step t."""
    n, t_len, hidden = dh.shape
    x0, _, _, Wx, Wh = cache[0][:5]
    dx = np.empty((n, t_len, x0.shape[1]))
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(4 * hidden)
    dprev_h, dprev_c = np.zeros((n, hidden)), np.zeros((n, hidden))
    for t in reversed(range(t_len)):
        dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(dh[:, t] + dprev_h, dprev_c, cache[t])
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return dx, dprev_h, dWx, dWh, db
