import numpy as np


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get('eps', 1e-5)
    # statistics of each example, over its D features
    sample_mean = np.mean(x, axis=1, keepdims=True)
    sample_var = np.mean((x - sample_mean) ** 2, axis=1, keepdims=True)
    x_hat = (x - sample_mean) / np.sqrt(sample_var + eps)
    out = x_hat * gamma + beta
    cache = (x, sample_mean, sample_var, x_hat, eps, gamma)
    return out, cache


def layernorm_backward(dout, cache):
    x, mean, var, x_hat, eps, gamma = cache
    N = x.shape[0]

    dbeta = dout.sum(0)
    dgamma = (x_hat * dout).sum(0)
    dx_hat = dout * gamma
    dsigma = -0.5 * np.sum(dx_hat * (x - mean), axis=1) * np.power(var.reshape(-1) + eps, -1.5)
    dmu = -np.sum(dx_hat / np.sqrt(var + eps), axis=1) - 2 * dsigma * np.sum(x - mean, axis=1) / N
    dx = dx_hat / np.sqrt(var + eps) + 2.0 * dsigma.reshape(-1, 1) * (x - mean) / N + dmu.reshape(-1, 1) / N
    return dx, dgamma, dbeta
