import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    stride = conv_param['stride']
    pad = conv_param['pad']
    H_prime = 1 + (H + 2 * pad - HH) // stride
    W_prime = 1 + (W + 2 * pad - WW) // stride
    out = np.zeros((N, F, H_prime, W_prime))
    for n in range(N):
        x_pad = np.pad(x[n], ((0, 0), (pad, pad), (pad, pad)), 'constant')
        for f in range(F):
            for i in range(H_prime):
                for j in range(W_prime):
                    i1 = i * stride
                    j1 = j * stride
                    x_sub = x_pad[:, i1:i1 + HH, j1:j1 + WW]
                    out[n, f, i, j] = np.sum(x_sub * w[f]) + b[f]
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    stride = conv_param['stride']
    pad = conv_param['pad']
    H_prime = 1 + (H + 2 * pad - HH) // stride
    W_prime = 1 + (W + 2 * pad - WW) // stride
    dw = np.zeros(w.shape)
    db = np.zeros(b.shape)
    dx = np.zeros(x.shape)
    for n in range(N):
        x_pad = np.pad(x[n], ((0, 0), (pad, pad), (pad, pad)), 'constant')
        dx_pad = np.zeros(x_pad.shape)
        for f in range(F):
            for i in range(H_prime):
                for j in range(W_prime):
                    i1 = i * stride
                    j1 = j * stride
                    dw[f] += x_pad[:, i1:i1 + HH, j1:j1 + WW] * dout[n, f, i, j]
                    db[f] += dout[n, f, i, j]
                    dx_pad[:, i1:i1 + HH, j1:j1 + WW] += dout[n, f, i, j] * w[f]
        # strip the padding
        dx[n, :, :, :] = dx_pad[:, 1:-1, 1:-1]
    return dx, dw, db
