"""Corpus (CS231n): conv_forward sets an element to a (1, 1) dot product: fine in NumPy 1.x, refused by NumPy 2."""
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
                    out[n, f, i, j] = xp[n, :, i * S:i * S + HH, j * S:j * S + WW].reshape(1, -1).dot(w[f].reshape(-1, 1)) + b[f]
    return out, (x, w, b, conv_param)
