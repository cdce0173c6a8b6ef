"""Corpus: assignment 3's recurrent layers in another style: einsum and matmul over the time axis,
dict caches, the embedding gradient with np.bincount-free loops over the vocabulary (np.where),
the LSTM's gates split with np.split, a whole-sequence backward that copies before adding in place."""
import numpy as np


def _sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * z))          # the same function, no overflow


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    h = np.tanh(x @ Wx + prev_h @ Wh + b)
    return h, {"x": x, "h_prev": prev_h, "Wx": Wx, "Wh": Wh, "h": h}


def rnn_step_backward(dnext_h, cache):
    da = dnext_h * (1 - cache["h"] ** 2)
    return (da @ cache["Wx"].T, da @ cache["Wh"].T, cache["x"].T @ da, cache["h_prev"].T @ da,
            da.sum(axis=0))


def rnn_forward(x, h0, Wx, Wh, b):
    steps, hs, h = [], [], h0
    for t in range(x.shape[1]):
        h, c = rnn_step_forward(x[:, t], h, Wx, Wh, b)
        steps.append(c)
        hs.append(h)
    return np.stack(hs, axis=1), {"steps": steps}


def rnn_backward(dh, cache):
    steps = cache["steps"]
    grads = [np.zeros_like(steps[0][k]) for k in ("Wx", "Wh")]
    db = np.zeros(steps[0]["Wh"].shape[1])
    dxs = [None] * len(steps)
    carry = np.zeros_like(dh[:, 0])
    for t in range(len(steps) - 1, -1, -1):
        dxs[t], carry, dWx, dWh, db_t = rnn_step_backward(dh[:, t] + carry, steps[t])
        grads[0] = grads[0] + dWx
        grads[1] = grads[1] + dWh
        db = db + db_t
    return np.stack(dxs, axis=1), carry, grads[0], grads[1], db


def word_embedding_forward(x, W):
    return np.take(W, x, axis=0), (x, W.shape)


def word_embedding_backward(dout, cache):
    x, shape = cache
    dW = np.zeros(shape)
    for word in np.unique(x):
        dW[word] = dout[x == word].sum(axis=0)     # every position that used the word
    return dW


def temporal_affine_forward(x, w, b):
    return np.einsum("ntd,dm->ntm", x, w) + b, (x, w)


def temporal_affine_backward(dout, cache):
    x, w = cache
    return np.einsum("ntm,dm->ntd", dout, w), np.einsum("ntd,ntm->dm", x, dout), np.einsum("ntm->m", dout)


def temporal_softmax_loss(x, y, mask, verbose=False):
    N = x.shape[0]
    shifted = x - x.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    n, t = np.indices(y.shape)
    loss = -np.sum(log_p[n, t, y] * mask) / N
    dx = np.exp(log_p)
    dx[n, t, y] -= 1
    return loss, dx * mask[..., None] / N


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    ai, af, ao, ag = np.split(x @ Wx + prev_h @ Wh + b, 4, axis=1)
    i, f, o, g = _sigmoid(ai), _sigmoid(af), _sigmoid(ao), np.tanh(ag)
    c = f * prev_c + i * g
    h = o * np.tanh(c)
    return h, c, dict(x=x, h=prev_h, c=prev_c, Wx=Wx, Wh=Wh, i=i, f=f, o=o, g=g, tc=np.tanh(c))


def lstm_step_backward(dnext_h, dnext_c, cache):
    k = cache
    dc = dnext_c.copy()
    dc += dnext_h * k["o"] * (1 - k["tc"] ** 2)      # in place, on a copy
    da = np.concatenate([dc * k["g"] * k["i"] * (1 - k["i"]), dc * k["c"] * k["f"] * (1 - k["f"]),
                         dnext_h * k["tc"] * k["o"] * (1 - k["o"]), dc * k["i"] * (1 - k["g"] ** 2)], axis=1)
    return da @ k["Wx"].T, da @ k["Wh"].T, dc * k["f"], k["x"].T @ da, k["h"].T @ da, da.sum(0)


def lstm_forward(x, h0, Wx, Wh, b):
    h, c = h0, np.zeros_like(h0)
    hs, steps = [], []
    for t in range(x.shape[1]):
        h, c, step = lstm_step_forward(x[:, t], h, c, Wx, Wh, b)
        hs.append(h)
        steps.append(step)
    return np.stack(hs, 1), steps


def lstm_backward(dh, cache):
    N, T, H = dh.shape
    dx = np.empty((N, T, cache[0]["x"].shape[1]))
    dWx, dWh, db = 0, 0, 0
    dh_next, dc_next = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        dx[:, t], dh_next, dc_next, a, bb, cc = lstm_step_backward(dh[:, t] + dh_next, dc_next, cache[t])
        dWx, dWh, db = dWx + a, dWh + bb, db + cc
    return dx, dh_next, dWx, dWh, db
