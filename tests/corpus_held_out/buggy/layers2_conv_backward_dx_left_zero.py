import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    pad, stride = conv_param['pad'], conv_param['stride']
    x_pad = np.pad(x, ((0,), (0,), (pad,), (pad,)), 'constant')
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    # im2col: one column per output position
    cols = np.zeros((N, C * HH * WW, H_out * W_out))
    for n in range(N):
        k = 0
        for hs in range(0, H_out * stride, stride):
            for ws in range(0, W_out * stride, stride):
                cols[n, :, k] = x_pad[n, :, hs:hs + HH, ws:ws + WW].flatten()
                k += 1
    w_row = w.reshape(F, -1)
    res = w_row.dot(cols.transpose(1, 0, 2).reshape(C * HH * WW, -1)) + b[:, np.newaxis]
    out = res.reshape(F, N, H_out, W_out).transpose(1, 0, 2, 3)
    cache = (x, w, b, conv_param, cols)
    return out, cache


def conv_backward_naive(dout, cache):
    x, w, b, conv_param, cols = cache
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    db = np.sum(dout, axis=(0, 2, 3))
    cols_2d = cols.transpose(1, 0, 2).reshape(cols.shape[1], -1).T
    dout_row = dout.transpose(1, 0, 2, 3).reshape(F, -1)
    dw = dout_row.dot(cols_2d).reshape(w.shape)
    dx = np.zeros_like(x)
    return dx, dw, db
