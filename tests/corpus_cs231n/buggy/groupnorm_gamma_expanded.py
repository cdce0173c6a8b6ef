"""Corpus (CS231n): groupnorm adds axes to gamma as if it had shape (C,): it is (1, C, 1, 1)."""
import numpy as np

def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    eps = gn_param.get("eps", 1e-5)
    N, C, H, W = x.shape
    xg = x.reshape(N * G, -1)
    mean = xg.mean(axis=1, keepdims=True)
    var = xg.var(axis=1, keepdims=True)
    xn = ((xg - mean) / np.sqrt(var + eps)).reshape(x.shape)
    out = gamma[np.newaxis, :, np.newaxis, np.newaxis] * xn + beta[np.newaxis, :, np.newaxis, np.newaxis]
    return out, (xn, gamma)
