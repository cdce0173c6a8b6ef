import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    stride, pad = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Hn = 1 + (H + 2 * pad - HH) // stride
    Wn = 1 + (W + 2 * pad - WW) // stride

    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)), 'constant', constant_values=0)
    out = np.zeros((N, F, Hn, Wn))
    for n in range(N):
        for f in range(F):
            for r in range(Hn):
                for c in range(Wn):
                    region = padded[n, :, r * stride:r * stride + HH, c * stride:c * stride + WW]
                    out[n, f, r, c] = np.sum(region * w[f]) + b[f]
    return out, (x, w, b, conv_param)


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    stride, pad = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, Hn, Wn = dout.shape

    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), 'constant')
    dpadded = np.zeros_like(padded)
    dw = np.zeros_like(w)
    db = dout.sum(axis=(0, 2, 3))
    for n in range(N):
        for f in range(F):
            for r in range(Hn):
                for c in range(Wn):
                    g = dout[n, f, r, c]
                    dw[f] += g * padded[n, :, r * stride:r * stride + HH, c * stride:c * stride + WW]
                    dpadded[n, :, r * stride:r * stride + HH, c * stride:c * stride + WW] += g * w[f]
    dx = dpadded[:, :, pad:pad + H, pad:pad + W]
    return dx, dw, db
