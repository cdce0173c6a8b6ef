import numpy as np


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    mu = x.mean(axis=1, keepdims=True)
    sigma2 = x.var(axis=1, keepdims=True)
    xhat = (x - mu) / np.sqrt(sigma2 + eps)
    out = gamma * xhat + beta
    cache = {"x": x, "mu": mu, "var": sigma2, "xhat": xhat, "gamma": gamma, "eps": eps}
    return out, cache


def layernorm_backward(dout, cache):
    x, mu, var = cache["x"], cache["mu"], cache["var"]
    xhat, gamma = cache["xhat"], cache["gamma"]
    var += cache["eps"]
    std = np.sqrt(var)
    D = x.shape[1]

    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)

    dxhat = dout * gamma
    dvar = np.sum(dxhat * (x - mu), axis=1, keepdims=True) * -0.5 * var ** -1.5
    dmu = -np.sum(dxhat / std, axis=1, keepdims=True) + dvar * np.mean(-2 * (x - mu), axis=1, keepdims=True)
    dx = dxhat / std + dvar * 2 * (x - mu) / D + dmu / D
    return dx, dgamma, dbeta
