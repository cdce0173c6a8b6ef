import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    pad, stride = conv_param['pad'], conv_param['stride']
    x_padded = np.pad(x, pad_width=((0, 0), (0, 0), (pad, pad), (pad, pad)), mode='constant', constant_values=0)  # (N, C, H + 2 * pad, W + 2 * pad)
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - HH) // stride
    out = np.zeros((N, F, H_out, W_out), dtype=x.dtype)
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    h_start = i * stride
                    w_start = j * stride
                    window = x_padded[n, :, h_start:h_start + HH, w_start:w_start + WW]
                    out[n, f, i, j] = np.sum(window * w[f, :, :, :]) + b[f]
    cache = (x, x_padded, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    (x, x_padded, w, b, conv_param) = cache
    pad, stride = conv_param['pad'], conv_param['stride']
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    dw = np.zeros_like(w)
    dx_padded = np.zeros_like(x_padded)
    db = np.sum(dout, axis=(0, 2, 3))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    h_start = i * stride
                    w_start = j * stride
                    window = x_padded[n, :, h_start:h_start + HH, w_start:w_start + WW]
                    grad = dout[n, f, i, j]
                    dw[f] += window * grad
                    dx_padded[n, :, h_start:h_start + HH, w_start:w_start + WW] += w[f] * grad
    if pad == 0:
        dx = dx_padded.copy()
    else:
        dx = dx_padded[:, :, pad:pad + H, pad:pad + W]
    return dx, dw, db
