import numpy as np


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    eps = gn_param.get("eps", 1e-5)
    N, C, H, W = x.shape
    # one column per (example, group), like batchnorm on the transpose
    xg = np.reshape(x, (N * G, C // G * H * W)).T
    mu = np.mean(xg, axis=0)
    xmu = xg - mu
    var = np.var(xg, axis=0)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1. / sqrtvar
    xhat = xmu * ivar
    xhat = np.reshape(xhat.T, (N, C, H, W))
    out = gamma[np.newaxis, :, np.newaxis, np.newaxis] * xhat + beta[np.newaxis, :, np.newaxis, np.newaxis]
    cache = (xhat, gamma, ivar, G)
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    xhat, gamma, ivar, G = cache
    N, C, H, W = dout.shape
    dbeta = np.sum(dout, axis=(0, 2, 3), keepdims=True)
    dgamma = np.sum(dout * xhat, axis=(0, 2, 3), keepdims=True)
    dxhat = np.reshape(dout * gamma, (N * G, C // G * H * W)).T
    xhat_g = np.reshape(xhat, (N * G, C // G * H * W)).T
    M = dxhat.shape[0]
    dx = 1.0 / M * ivar * (M * dxhat - np.sum(dxhat, axis=0) - xhat_g * np.sum(dxhat * xhat_g, axis=0))
    dx = np.reshape(dx.T, (N, C, H, W))
    return dx, dgamma, dbeta
