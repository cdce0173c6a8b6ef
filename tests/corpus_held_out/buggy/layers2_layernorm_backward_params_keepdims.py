import numpy as np


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    mean = np.mean(x, axis=1, keepdims=True)
    var = np.var(x, axis=1, keepdims=True)
    x_norm = (x - mean) / np.sqrt(var + eps)
    out = gamma * x_norm + beta
    cache = (x, mean, var, eps, x_norm, gamma, beta)
    return out, cache


def layernorm_backward(dout, cache):
    x, mean, var, eps, x_norm, gamma, beta = cache
    N, D = dout.shape
    dx_norm = dout * gamma
    dvar = np.sum(dx_norm * (x - mean) * -0.5 * (var + eps) ** -1.5, axis=1, keepdims=True)
    dmean = (np.sum(-dx_norm / np.sqrt(var + eps), axis=1, keepdims=True)
             + dvar * np.mean(-2 * (x - mean), axis=1, keepdims=True))
    dx = dx_norm / np.sqrt(var + eps) + dvar * 2 * (x - mean) / D + dmean / D
    dgamma = np.sum(dout * x_norm, axis=0, keepdims=True)
    dbeta = np.sum(dout, axis=0, keepdims=True)
    return dx, dgamma, dbeta
