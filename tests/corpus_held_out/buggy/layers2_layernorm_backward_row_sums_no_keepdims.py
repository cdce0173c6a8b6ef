import numpy as np


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    N, D = x.shape
    sample_mean = np.mean(x, axis=1, keepdims=True)
    sample_var = np.var(x, axis=1, keepdims=True)
    x_centered = x - sample_mean
    std = np.sqrt(sample_var + eps)
    x_norm = x_centered / std
    out = gamma * x_norm + beta
    cache = (x, x_centered, x_norm, std, gamma, sample_var, eps)
    return out, cache


def layernorm_backward(dout, cache):
    x, x_centered, x_norm, std, gamma, sample_var, eps = cache
    N, D = x.shape
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_norm, axis=0)
    dx_norm = dout * gamma
    # per-example sums over the features
    dstd = np.sum(dx_norm * x_centered * (-1) / (std ** 2), axis=1)
    dvar = dstd * 0.5 / std
    dx_centered_1 = dx_norm / std
    dx_centered_2 = 2 * x_centered * dvar / D
    dx_centered = dx_centered_1 + dx_centered_2
    dmean = -1 * np.sum(dx_centered, axis=1)
    dx = dx_centered + dmean / D
    return dx, dgamma, dbeta
