import numpy as np


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    mean = np.mean(x, axis=1, keepdims=True)
    var = np.var(x, axis=1, keepdims=True)
    x_hat = (x - mean) / np.sqrt(var + eps)
    out = gamma * x_hat + beta
    return out, (x, x_hat, mean, var, gamma, eps)


def layernorm_backward(dout, cache):
    x, x_hat, mean, var, gamma, eps = cache
    D = x.shape[1]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    std = np.sqrt(var + eps)
    dx = (dx_hat / std
          - np.sum(dx_hat * x, axis=1, keepdims=True) * x / std ** 3 / D
          - np.sum(dx_hat, axis=1, keepdims=True) / (std * D))
    return dx, dgamma, dbeta
