import numpy as np


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    N, D = x.shape
    # per example: sum over the features
    mean = x.sum(axis=1, keepdims=True) / N
    var = ((x - mean) ** 2).sum(axis=1, keepdims=True) / N
    xn = (x - mean) / np.sqrt(var + eps)
    out = gamma * xn + beta
    return out, (x, mean, var, xn, gamma, eps)


def layernorm_backward(dout, cache):
    x, mean, var, xn, gamma, eps = cache
    N, D = x.shape
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xn).sum(axis=0)

    # step by step through the graph of the forward
    xc = x - mean
    sd = np.sqrt(var + eps)
    dxn = dout * gamma
    dxc = dxn / sd
    dsd = -(dxn * xc).sum(axis=1, keepdims=True) / sd ** 2
    dvar = dsd / (2 * sd)
    dxc = dxc + 2 * xc * dvar / N
    dmean = -dxc.sum(axis=1, keepdims=True)
    dx = dxc + dmean / N
    return dx, dgamma, dbeta
