import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    stride = conv_param['stride']
    pad = conv_param['pad']
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = np.int(1 + (H + 2 * pad - HH) / stride)
    W_out = np.int(1 + (W + 2 * pad - WW) / stride)
    out = np.zeros([N, F, H_out, W_out])
    pad_x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), 'constant')
    for i in range(N):
        for j in range(F):
            for k in range(H_out):
                for m in range(W_out):
                    out[i, j, k, m] = np.sum(pad_x[i, :, k * stride:k * stride + HH, m * stride:m * stride + WW] * w[j]) + b[j]
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    stride = conv_param.get('stride')
    pad = conv_param.get('pad')
    padded_x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), 'constant')
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    N, F, H_out, W_out = dout.shape
    dx_temp = np.zeros_like(padded_x)
    dw = np.zeros_like(w)
    db = np.zeros_like(b)
    for ff in range(F):
        db[ff] += np.sum(dout[:, ff, :, :])
    for nn in range(N):
        for ff in range(F):
            for jj in range(H_out):
                for ii in range(W_out):
                    dw[ff, ...] += dout[nn, ff, jj, ii] * padded_x[nn, :, jj * stride:jj * stride + HH, ii * stride:ii * stride + WW]
                    dx_temp[nn, :, jj * stride:jj * stride + HH, ii * stride:ii * stride + WW] += dout[nn, ff, jj, ii] * w[ff, ...]
    dx = dx_temp[:, :, pad:H + pad, pad:W + pad]
    return dx, dw, db
