"""Corpus (CS231n): conv_forward pads by 1 whatever conv_param['pad'] says."""
import numpy as np

def conv_forward_naive(x, w, b, conv_param):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    S, P = conv_param["stride"], conv_param["pad"]
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    Ho, Wo = 1 + (H + 2 - HH) // S, 1 + (W + 2 - WW) // S
    out = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    out[n, f, i, j] = np.sum(xp[n, :, i * S:i * S + HH, j * S:j * S + WW] * w[f]) + b[f]
    return out, (x, w, b, conv_param)
