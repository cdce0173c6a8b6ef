import numpy as np


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    # work on the transpose so the per-example statistics are taken over axis 0
    xt = x.T                                   # (D, N)
    g = np.atleast_2d(gamma).T                 # (D, 1)
    bt = np.atleast_2d(beta).T                 # (D, 1)
    u = np.mean(xt, axis=0)                    # (N,)
    var = np.var(xt, axis=0)                   # (N,)
    std = np.sqrt(var + eps)
    x_hat = (xt - u) / std                     # (D, N)
    out = (g * x_hat + bt).T
    shape = xt.shape
    cache = (xt, u, var, std, x_hat, g, eps, shape, 0)
    return out, cache


def layernorm_backward(dout, cache):
    xt, u, var, std, x_hat, g, eps, (D, N), axis = cache
    dout = dout.T                              # (D, N)
    dgamma = np.sum(dout * x_hat, axis=1)
    dbeta = np.sum(dout, axis=1)
    dx_hat = dout * g
    dvar = np.sum(dx_hat * (xt - u) * -0.5 * (var + eps) ** -1.5, axis)
    dx_u1 = dvar * 2 * (xt - u) / N
    dx_u2 = dx_hat / std
    dx_u = dx_u1 + dx_u2
    du = np.sum(-dx_u, axis)
    dx = dx_u + du * np.ones_like(xt) / N
    return dx.T, dgamma, dbeta
