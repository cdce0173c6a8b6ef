import numpy as np


def conv_single(x, w, b, pad, stride):
    # x (C, H, W), w (C, HH, WW): one image with one filter
    C, H, W = x.shape
    _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad)), 'constant')
    OH = int((H - HH + 2 * pad) / stride + 1)
    OW = int((W - WW + 2 * pad) / stride + 1)
    res = np.zeros((OH, OW))
    for i in range(OH):
        for j in range(OW):
            res[i, j] = np.sum(xp[:, i * stride:i * stride + HH, j * stride:j * stride + WW] * w) + b
    return res


def conv_forward_naive(x, w, b, conv_param):
    pad = conv_param['pad']
    stride = conv_param['stride']
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    OH = int((H - HH + 2 * pad) / stride + 1)
    OW = int((W - WW + 2 * pad) / stride + 1)
    out = np.zeros((N, F, OH, OW))
    for n in range(N):
        for f in range(F):
            out[n, f, :, :] = conv_single(x[n], w[f], b[f], pad, stride)
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    pad = conv_param['pad']
    stride = conv_param['stride']
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    xPad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), 'constant')
    dxPad = np.zeros(xPad.shape)
    dw = np.zeros(w.shape)
    db = np.zeros(b.shape)
    for f in range(F):
        db[f] = np.sum(dout[:, f, :, :])
    for n in range(N):
        for f in range(F):
            # walk over the input by the stride: one window per step
            for row in range(0, H, stride):
                for col in range(0, W, stride):
                    g = dout[n, f, int(row / stride), int(col / stride)]
                    dxPad[n, :, row:row + HH, col:col + WW] += g * w[f]
                    dw[f] += g * xPad[n, :, row:row + HH, col:col + WW]
    dx = dxPad[:, :, pad:pad + H, pad:pad + W]
    return dx, dw, db
