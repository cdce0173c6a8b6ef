"""Corpus (CS231n): groupnorm normalises each example over all channels (layernorm)."""
import numpy as np

def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    eps = gn_param.get("eps", 1e-5)
    N, C, H, W = x.shape
    xg = x.reshape(N, -1)
    mean = xg.mean(axis=1, keepdims=True)
    var = xg.var(axis=1, keepdims=True)
    xn = ((xg - mean) / np.sqrt(var + eps)).reshape(x.shape)
    out = gamma * xn + beta
    return out, (xn, gamma)
