"""Corpus (CS231n): spatial batchnorm runs batchnorm on each channel's (N, H * W) slice: over N only."""
import numpy as np

def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    eps = bn_param.get("eps", 1e-5)
    N, C, H, W = x.shape
    out = np.zeros_like(x)
    for c in range(C):
        part = x[:, c].reshape(N, -1)
        xn = (part - part.mean(axis=0)) / np.sqrt(part.var(axis=0) + eps)
        out[:, c] = (gamma[c] * xn + beta[c]).reshape(N, H, W)
    return out, None
