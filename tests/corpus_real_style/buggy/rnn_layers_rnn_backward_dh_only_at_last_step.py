import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(x.dot(Wx) + prev_h.dot(Wh) + b)
    return next_h, (x, prev_h, Wx, Wh, next_h)


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - next_h ** 2)
    return da.dot(Wx.T), da.dot(Wh.T), x.T.dot(da), prev_h.T.dot(da), np.sum(da, axis=0)


def rnn_forward(x, h0, Wx, Wh, b):
    cache_list = []
    (N, T, D) = x.shape
    H = Wx.shape[1]
    h = np.zeros((N, T, H))
    prev_h = h0
    for t in range(T):
        prev_h, cache_single = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, b)
        h[:, t, :] = prev_h
        cache_list.append(cache_single)
    cache = {'cache_list': cache_list, 'N': N, 'T': T, 'D': D, 'H': H}
    return h, cache


def rnn_backward(dh, cache):
    cache_list = cache['cache_list']
    N, T, D, H = cache['N'], cache['T'], cache['D'], cache['H']
    dx = np.zeros((N, T, D))
    dWx = np.zeros((D, H))
    dWh = np.zeros((H, H))
    db = np.zeros((H,))
    for t in range(T - 1, -1, -1):
        if t == T - 1:
            dnext_h_single = dh[:, t, :]            # the last step's upstream gradient
        else:
            dnext_h_single = dprev_h_single         # what step t + 1 sent back
        dx_single, dprev_h_single, dWx_single, dWh_single, db_single = rnn_step_backward(dnext_h_single,
                                                                                         cache_list[t])
        dx[:, t, :] = dx_single
        dWx += dWx_single
        dWh += dWh_single
        db += db_single
    dh0 = dprev_h_single
    return dx, dh0, dWx, dWh, db
