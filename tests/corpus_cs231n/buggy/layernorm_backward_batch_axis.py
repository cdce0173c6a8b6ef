"""Corpus (CS231n): layernorm_backward pasted from batchnorm: its means over axis 0."""
import numpy as np

def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    xn = (x - x.mean(axis=1, keepdims=True)) / np.sqrt(x.var(axis=1, keepdims=True) + eps)
    return gamma * xn + beta, (xn, np.sqrt(x.var(axis=1, keepdims=True) + eps), gamma)


def layernorm_backward(dout, cache):
    xn, std, gamma = cache
    g = dout * gamma
    dx = (g - g.mean(axis=0) - xn * (g * xn).mean(axis=0)) / std
    return dx, (dout * xn).sum(axis=0), dout.sum(axis=0)
