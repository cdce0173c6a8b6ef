import numpy as np


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get('eps', 1e-5)
    mu = np.mean(x, axis=1, keepdims=True)
    xsubmu = x - mu
    var = np.mean(xsubmu ** 2, axis=1, keepdims=True)
    invvarsqrt = 1. / np.sqrt(var + eps)
    x_norm = xsubmu * invvarsqrt
    out = gamma * x_norm + beta
    cache = (x_norm, invvarsqrt, gamma)
    return out, cache


def layernorm_backward(dout, cache):
    x_norm, invvarsqrt, gamma = cache
    N, D = x_norm.shape
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_norm, axis=0)
    dx_norm = dout * gamma
    dx = invvarsqrt / D * (D * dx_norm - np.sum(dx_norm, axis=1, keepdims=True)
                           - x_norm * np.sum(dx_norm * x_norm, axis=1, keepdims=True))
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    N, C, H, W = x.shape
    out = np.zeros_like(x)
    cache = []
    group_size = C // G
    x_reshaped = np.transpose(x, axes=[0, 2, 3, 1]).reshape(-1, C)
    gamma_reshaped = gamma.reshape(C)
    beta_reshaped = beta.reshape(C)
    for i in range(G):
        index = np.arange(i * group_size, (i + 1) * group_size)
        group_out, group_cache = layernorm_forward(
            x_reshaped[:, index], gamma_reshaped[index], beta_reshaped[index], gn_param)
        out[:, index, :, :] = np.transpose(group_out.reshape(N, H, W, group_size), axes=[0, 3, 1, 2])
        cache.append(group_cache)
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    N, C, H, W = dout.shape
    dx = np.zeros_like(dout)
    dgamma = np.zeros((1, C, 1, 1), dtype=dout.dtype)
    dbeta = np.zeros((1, C, 1, 1), dtype=dout.dtype)
    G = len(cache)
    group_size = C // G
    dout_reshaped = np.transpose(dout, axes=[0, 2, 3, 1]).reshape(-1, C)
    for i in range(G):
        index = np.arange(i * group_size, (i + 1) * group_size)
        group_dx, group_dgamma, group_dbeta = layernorm_backward(dout_reshaped[:, index], cache[i])
        dx[:, index, :, :] = np.transpose(group_dx.reshape(N, H, W, group_size), axes=[0, 3, 1, 2])
        dgamma[0, index, 0, 0] = group_dgamma
        dbeta[0, index, 0, 0] = group_dbeta
    return dx, dgamma, dbeta
