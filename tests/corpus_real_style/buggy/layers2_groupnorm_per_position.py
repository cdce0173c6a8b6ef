import numpy as np


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get('eps', 1e-5)
    mu = np.mean(x, axis=1, keepdims=True)
    var = np.var(x, axis=1, keepdims=True)
    std = np.sqrt(var + eps)
    x_hat = (x - mu) / std
    return gamma * x_hat + beta, (x_hat, std, gamma)


def layernorm_backward(dout, cache):
    x_hat, std, gamma = cache
    D = dout.shape[1]
    dgamma = np.sum(dout * x_hat, axis=0)
    dbeta = np.sum(dout, axis=0)
    g = dout * gamma
    dx = (D * g - g.sum(axis=1, keepdims=True) - x_hat * (g * x_hat).sum(axis=1, keepdims=True)) / (D * std)
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    N, C, H, W = x.shape
    size = C // G
    # channels last: every row is one (n, h, w) position
    rows = x.transpose(0, 2, 3, 1).reshape(-1, C)
    out_rows = np.zeros_like(rows)
    caches = []
    for g in range(G):
        part = slice(g * size, (g + 1) * size)
        out_rows[:, part], c = layernorm_forward(rows[:, part], gamma[0, part, 0, 0], beta[0, part, 0, 0], gn_param)
        caches.append(c)
    out = out_rows.reshape(N, H, W, C).transpose(0, 3, 1, 2)
    return out, (caches, G)


def spatial_groupnorm_backward(dout, cache):
    caches, G = cache
    N, C, H, W = dout.shape
    size = C // G
    rows = dout.transpose(0, 2, 3, 1).reshape(-1, C)
    dx_rows = np.zeros_like(rows)
    dgamma = np.zeros((1, C, 1, 1))
    dbeta = np.zeros((1, C, 1, 1))
    for g in range(G):
        part = slice(g * size, (g + 1) * size)
        dx_rows[:, part], dgamma[0, part, 0, 0], dbeta[0, part, 0, 0] = layernorm_backward(rows[:, part], caches[g])
    dx = dx_rows.reshape(N, H, W, C).transpose(0, 3, 1, 2)
    return dx, dgamma, dbeta
