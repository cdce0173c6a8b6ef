import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    stride, pad = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    Pad_H, Pad_W = H + 2 * pad, W + 2 * pad
    Pad_x = np.zeros((N, C, Pad_H, Pad_W))
    for i in range(N):
        for j in range(C):
            padding_img = np.zeros((Pad_H, Pad_W))
            padding_img[pad:-pad, pad:-pad] = x[i, j]
            Pad_x[i, j] = padding_img
    H_ = 1 + (H + 2 * pad - HH) // stride
    W_ = 1 + (W + 2 * pad - WW) // stride
    out = np.zeros((N, F, H_, W_))
    for i in range(N):
        for f in range(F):
            for row in range(H_):
                for col in range(W_):
                    window = Pad_x[i, :, stride * row:stride * row + HH, stride * col:stride * col + WW]
                    out[i, f, row, col] = np.sum(window * w[f]) + b[f]
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    stride, pad = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    _, _, H_, W_ = dout.shape
    x_ = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), 'constant')
    dx_ = np.zeros(x_.shape)
    dw = np.zeros(w.shape)
    db = dout.sum(axis=0).sum(axis=1).sum(axis=1)
    for i in range(N):
        for f in range(F):
            for row in range(H_):
                for col in range(W_):
                    dw[f] += x_[i, :, stride * row:stride * row + HH, stride * col:stride * col + WW] * dout[i, f, row, col]
                    dx_[i, :, stride * row:stride * row + HH, stride * col:stride * col + WW] += w[f] * dout[i, f, row, col]
    dx = dx_[:, :, pad:pad + H, pad:pad + W]
    return dx, dw, db
