import numpy as np


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get('eps', 1e-5)
    mean = np.mean(x, axis=1, keepdims=True)
    var = np.var(x, axis=1, keepdims=True)
    normalized = (x - mean) / np.sqrt(var + eps)
    out = gamma * normalized + beta
    cache = (x, normalized, eps, mean, var, gamma)
    return out, cache


def layernorm_backward(dout, cache):
    x, normalized, eps, mean, var, gamma = cache
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * normalized, axis=0)
    # batchnorm's backward on the transpose: the features become the batch
    dnorm = (dout * gamma).T
    normalized = normalized.T
    D = normalized.shape[0]
    dx = (D * dnorm - np.sum(dnorm, axis=0) - normalized * np.sum(dnorm * normalized, axis=0)) / (D * np.sqrt(var.T))
    return dx.T, dgamma, dbeta
