import numpy as np


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get('eps', 1e-5)
    layer_mean = np.mean(x, axis=0)
    layer_var = np.var(x, axis=0)
    x_ba = (x - layer_mean) / np.sqrt(layer_var + eps)
    out = gamma * x_ba + beta
    cache = (gamma, beta, eps, layer_mean, layer_var, x, x_ba)
    return out, cache


def layernorm_backward(dout, cache):
    gamma, beta, eps, sample_mean, sample_var, x, x_ba = cache
    N, D = x.shape
    dgamma = np.sum(x_ba * dout, axis=0)
    dbeta = np.sum(dout, axis=0)
    dx_ba = dout * gamma
    std = np.sqrt(sample_var + eps)
    dvar = np.sum(dx_ba * (x - sample_mean), axis=0) * (-0.5) / (std * (sample_var + eps))
    dmean = -np.sum(dx_ba, axis=0) / std + dvar * np.sum(x - sample_mean, axis=0) * (-2.0) / N
    dx = dx_ba / std + dvar * 2 * (x - sample_mean) / N + dmean / N
    return dx, dgamma, dbeta
