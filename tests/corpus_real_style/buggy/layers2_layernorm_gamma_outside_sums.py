import numpy as np


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    mu = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    x_norm = (x - mu) / np.sqrt(var + eps)
    out = gamma * x_norm + beta
    return out, (x, mu, var, x_norm, gamma, eps)


def layernorm_backward(dout, cache):
    x, mu, var, x_norm, gamma, eps = cache
    N, D = x.shape
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_norm, axis=0)
    # same simplified form as batchnorm_backward_alt, sums over each row
    dx = gamma / (D * np.sqrt(var + eps)) * (D * dout - np.sum(dout, axis=1, keepdims=True)
                                             - x_norm * np.sum(dout * x_norm, axis=1, keepdims=True))
    return dx, dgamma, dbeta
