"""Corpus (CS231n): groupnorm reshapes to (N * G, C // G, H * W) and normalises over the positions only."""
import numpy as np

def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    eps = gn_param.get("eps", 1e-5)
    N, C, H, W = x.shape
    xg = x.reshape(N * G, C // G, H * W)
    mean = xg.mean(axis=2, keepdims=True)
    var = xg.var(axis=2, keepdims=True)
    xn = ((xg - mean) / np.sqrt(var + eps)).reshape(x.shape)
    out = gamma * xn + beta
    return out, (xn, gamma)
