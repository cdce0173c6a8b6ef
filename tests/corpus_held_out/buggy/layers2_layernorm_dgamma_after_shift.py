import numpy as np


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    mu = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    X = (x - mu) * (var + eps) ** -0.5
    Y = X * gamma
    X += beta          # shift in place: X is also what the cache keeps
    out = Y + beta
    return out, (x, mu, var, eps, X, gamma)


def layernorm_backward(dout, cache):
    x, mu, var, eps, X, gamma = cache
    D = x.shape[1]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * X).sum(axis=0)
    dy = dout * gamma
    dist = x - mu
    sum_dy = np.sum(dy, axis=1, keepdims=True)
    sum_dy_dist = np.sum(dy * dist, axis=1, keepdims=True)
    dx = D * dy - sum_dy - dist * (var + eps) ** -1.0 * sum_dy_dist
    dx *= (var + eps) ** -0.5
    dx /= D
    return dx, dgamma, dbeta
