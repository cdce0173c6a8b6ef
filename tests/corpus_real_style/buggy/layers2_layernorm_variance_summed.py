import numpy as np


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get('eps', 1e-5)
    D = x.shape[1]
    mu = np.sum(x, axis=1, keepdims=True) / D
    x_mu = x - mu
    var = np.sum(np.square(x_mu), axis=1, keepdims=True)
    inv_std = 1 / np.sqrt(var + eps)
    x_norm = x_mu * inv_std
    out = x_norm * gamma + beta
    cache = (x_norm, inv_std, gamma)
    return out, cache


def layernorm_backward(dout, cache):
    x_norm, inv_std, gamma = cache
    D = dout.shape[1]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_norm, axis=0)
    g = dout * gamma
    dx = inv_std * (g - g.mean(axis=1, keepdims=True) - x_norm * (g * x_norm).mean(axis=1, keepdims=True))
    return dx, dgamma, dbeta
