"""Corpus (CS231n): conv_backward crops with dx_pad[:, :, pad:-pad, pad:-pad]: empty when pad = 0 (the most common real bug)."""
import numpy as np

def conv_forward_naive(x, w, b, conv_param):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    S, P = conv_param["stride"], conv_param["pad"]
    xp = np.pad(x, ((0, 0), (0, 0), (P, P), (P, P)))
    Ho, Wo = 1 + (H + 2 * P - HH) // S, 1 + (W + 2 * P - WW) // S
    out = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    out[n, f, i, j] = np.sum(xp[n, :, i * S:i * S + HH, j * S:j * S + WW] * w[f]) + b[f]
    return out, (x, w, b, conv_param)

def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    S, P = conv_param["stride"], conv_param["pad"]
    F, C, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (P, P), (P, P)))
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for n in range(x.shape[0]):
        for f in range(F):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    dw[f] += xp[n, :, i * S:i * S + HH, j * S:j * S + WW] * dout[n, f, i, j]
                    dxp[n, :, i * S:i * S + HH, j * S:j * S + WW] += w[f] * dout[n, f, i, j]
    dx = dxp[:, :, P:-P, P:-P]
    return dx, dw, dout.sum(axis=(0, 2, 3))
