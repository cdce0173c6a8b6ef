import numpy as np


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get('eps', 1e-5)
    mean = np.mean(x, axis=1, keepdims=True)
    var = np.var(x, axis=1, keepdims=True)
    x_norm = (x - mean) / np.sqrt(var + eps)
    out = gamma * x_norm + beta
    cache = (x, x_norm, mean, var, gamma, beta, eps)
    return out, cache


def layernorm_backward(dout, cache):
    x, x_norm, mean, var, gamma, beta, eps = cache
    N, D = x.shape
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_norm, axis=0)
    # batchnorm's one-liner with D for N
    inv = (var + eps) ** -0.5
    dx = gamma * inv / D * (D * dout - np.sum(dout, axis=0)
                            - (x - mean) * inv ** 2 * np.sum(dout * (x - mean), axis=1, keepdims=True))
    return dx, dgamma, dbeta
