import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    stride = conv_param['stride']
    pad = conv_param['pad']
    H_ = 1 + (H + 2 * pad - HH) // stride
    W_ = 1 + (W + 2 * pad - WW) // stride
    out = np.zeros((N, F, H_, W_))
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), 'constant')
    for n in range(N):
        for i in range(H_):
            for j in range(W_):
                # the receptive field as a column vector
                x_col = x_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW].reshape(-1, 1)
                for f in range(F):
                    w_col = w[f].reshape(-1, 1)
                    out[n, f, i, j] = x_col.T.dot(w_col) + b[f]
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_, W_ = dout.shape
    stride = conv_param['stride']
    pad = conv_param['pad']
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), 'constant')
    dx_pad = np.zeros(x_pad.shape)
    dw = np.zeros(w.shape)
    db = np.sum(dout, axis=(0, 2, 3))
    for n in range(N):
        for i in range(H_):
            for j in range(W_):
                x_win = x_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                for f in range(F):
                    g = dout[n, f, i, j]
                    dw[f] += g * x_win
                    dx_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW] += g * w[f]
    dx = dx_pad[:, :, pad:pad + H, pad:pad + W]
    return dx, dw, db
