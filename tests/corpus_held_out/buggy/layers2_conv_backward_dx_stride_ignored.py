import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    stride = conv_param['stride']
    pad = conv_param['pad']
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), 'constant', constant_values=(0, 0))
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    out = np.zeros((N, F, H_out, W_out))
    for f in range(F):
        for i in range(H_out):
            for j in range(W_out):
                window = x_pad[:, :, stride * i:stride * i + HH, stride * j:stride * j + WW]
                out[:, f, i, j] = np.sum(window * w[f], axis=(-1, -2, -3))
    out += b.reshape((1, -1, 1, 1))
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    stride = conv_param['stride']
    pad = conv_param['pad']
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), 'constant', constant_values=(0, 0))
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    dw = np.zeros_like(w)
    for c in range(C):
        for i in range(HH):
            for j in range(WW):
                patch = x_pad[:, c, i:i + stride * H_out:stride, j:j + stride * W_out:stride]
                dw[:, c, i, j] = np.sum(dout.transpose((1, 0, 2, 3)) * patch, axis=(-1, -2, -3))
    db = np.sum(dout, axis=(0, -1, -2))
    dx_pad = np.zeros_like(x_pad)
    for c in range(C):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    for n in range(N):
                        dx_pad[n, c, i:i + HH, j:j + WW] += w[f, c, :, :] * dout[n, f, i, j]
    dx = dx_pad[:, :, pad:pad + H, pad:pad + W]
    return dx, dw, db
