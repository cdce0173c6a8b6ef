import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    stride, pad = conv_param['stride'], conv_param['pad']
    Ho = 1 + (H + 2 * pad - HH) / stride
    Wo = 1 + (W + 2 * pad - WW) / stride
    out = np.zeros((N, F, int(Ho), int(Wo)))
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), 'constant')
    for k in range(x_pad.shape[0]):
        m = 0
        # window starts: every stride-th row that still leaves room for the kernel
        for i in range(x_pad.shape[2])[:-HH + 1:stride]:
            n = 0
            for j in range(x_pad.shape[3])[:-WW + 1:stride]:
                a = x_pad[k, :, i:i + HH, j:j + WW]
                out[k, :, m, n] = np.sum(a * w, axis=(1, 2, 3))
                n += 1
            m += 1
    out = out + (b)[None, :, None, None]
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    stride, pad = conv_param['stride'], conv_param['pad']
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), 'constant')
    dx_pad = np.zeros_like(x_pad)
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    dw = np.zeros_like(w)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            for f in range(F):
                a = x_pad[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                dw[f, :, :, :] += np.sum(a * dout[:, f, i, j][:, None, None, None], axis=0)
            for n in range(N):
                dx_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW] += np.sum(w * dout[n, :, i, j][:, None, None, None], axis=0)
    dx = dx_pad[:, :, pad:pad + H, pad:pad + W]
    db = np.sum(dout, axis=(0, 2, 3))
    return dx, dw, db
