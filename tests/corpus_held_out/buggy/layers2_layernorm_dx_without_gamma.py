import numpy as np


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    mu = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    xhat = (x - mu) * (var + eps) ** -0.5
    out = xhat * gamma + beta
    return out, (x, mu, var, eps, xhat, gamma)


def layernorm_backward(dout, cache):
    x, mu, var, eps, xhat, gamma = cache
    D = x.shape[1]
    dgamma = (dout * xhat).sum(axis=0)
    dbeta = dout.sum(axis=0)
    dy = dout * gamma
    dist = x - mu
    sum_dy = np.sum(dout, axis=1, keepdims=True)
    sum_dy_dist = np.sum(dout * dist, axis=1, keepdims=True)
    dx = D * dout - sum_dy - dist * (var + eps) ** -1.0 * sum_dy_dist
    dx *= (var + eps) ** -0.5
    dx /= D
    return dx, dgamma, dbeta
