import numpy as np


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get('eps', 1e-5)
    mean = np.mean(x, axis=1, keepdims=True)
    var = np.var(x, axis=1, keepdims=True)
    x_ = (x - mean) / (np.sqrt(var) + eps)
    out = x_ * gamma + beta
    cache = (x_, var, eps, gamma)
    return out, cache


def layernorm_backward(dout, cache):
    x_, var, eps, gamma = cache
    D = x_.shape[1]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_, axis=0)
    dx_ = gamma * dout
    dx = (D * dx_ - np.sum(dx_, axis=1, keepdims=True)
          - x_ * np.sum(dx_ * x_, axis=1, keepdims=True)) / (D * np.sqrt(var + eps))
    return dx, dgamma, dbeta
