import numpy as np


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    eps = gn_param.get("eps", 1e-5)
    n, c, h, w = x.shape
    x = x.reshape((n, G, c // G, h, w))
    mean = x.mean((2, 3, 4), keepdims=True)
    var = x.var((2, 3, 4), keepdims=True)
    out = (x - mean) / np.sqrt(var + eps)
    out = out.reshape(n, c, h, w)
    cache = x, G, gamma, beta, out.copy(), mean, var, eps
    out = out * gamma + beta
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    n, c, h, w = dout.shape
    x, G, gamma, beta, x_hat, mean, var, eps = cache
    dbeta = dout.sum((0, 2, 3))[None, :, None, None]
    dgamma = (dout * x_hat).sum((0, 2, 3))[None, :, None, None]
    dx_hat = (dout * gamma).reshape(n, G, c // G, h, w)
    m = h * w * c // G
    dsigma = -0.5 * np.sum(dx_hat * (x - mean), axis=(2, 3, 4)) * np.power(var.squeeze() + eps, -1.5)
    dmu = -np.sum(dx_hat / np.sqrt(var + eps), axis=(2, 3, 4)) - 2.0 * dsigma * np.sum(x - mean, axis=(2, 3, 4)) / m
    dx = (dx_hat / np.sqrt(var + eps)
          + dsigma.reshape(n, G, 1, 1, 1) * 2.0 * (x - mean) / m
          + dmu.reshape(n, G, 1, 1, 1) / m)
    dx = dx.reshape(n, c, h, w)
    return dx, dgamma, dbeta
