import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    stride, pad = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_new = 1 + (H + 2 * pad - HH) // stride
    W_new = 1 + (W + 2 * pad - WW) // stride
    x_pad = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    x_pad[:, :, pad:H + pad, pad:W + pad] = x
    out = np.zeros((N, F, H_new, W_new))
    for i in range(N):
        for f in range(F):
            for k in range(H_new):
                for n in range(W_new):
                    window = x_pad[i, :, k * stride:k * stride + HH, n * stride:n * stride + WW]
                    out[i, f, k, n] = np.sum(window * w[f]) + b[f]
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    stride, pad = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_new, W_new = dout.shape[2], dout.shape[3]

    x_pad = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    x_pad[:, :, pad:H + pad, pad:W + pad] = x
    dx_pad = np.zeros(x_pad.shape)
    dw = np.zeros(w.shape)

    for i in range(N):
        for k in range(H_new):
            for n in range(W_new):
                for m in range(F):
                    dx_pad[i, :, k * stride:k * stride + HH, n * stride:n * stride + WW] += dout[i, m, k, n] * w[m]
    dx = dx_pad[:, :, pad:pad + H, pad:pad + W]

    for f in range(F):
        for c in range(C):
            for kh in range(HH):
                for kw in range(WW):
                    for m in range(N):
                        dw[f, c, kh, kw] += np.sum(x_pad[m, c, kh:kh + H_new, kw:kw + W_new] * dout[m, f])

    db = np.sum(dout, axis=(0, 2, 3))
    return dx, dw, db
