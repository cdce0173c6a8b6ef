import numpy as np


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get('eps', 1e-8)
    D = x.shape[1]
    x_mean = 1 / D * np.sum(x, axis=1, keepdims=True)
    x_centred = x - x_mean
    x_var = 1 / D * np.sum(x_centred ** 2, axis=1, keepdims=True)
    inv_std = 1 / np.sqrt(x_var + eps)
    x_hat = x_centred * inv_std
    out = gamma * x_hat + beta
    cache = (x_hat, inv_std, gamma)
    return out, cache


def layernorm_backward(dout, cache):
    x_hat, inv_std, gamma = cache
    D = dout.shape[1]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    dx = inv_std / D * (D * dx_hat - np.sum(dx_hat, axis=1, keepdims=True)
                        - x_hat * np.sum(dx_hat * x_hat, axis=1, keepdims=True))
    return dx, dgamma, dbeta
