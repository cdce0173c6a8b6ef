import numpy as np


def _bn_forward(x, gamma, beta, bn_param):
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)
    N, D = x.shape
    running_mean = bn_param.get('running_mean', np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get('running_var', np.zeros(D, dtype=x.dtype))
    cache = None
    if mode == 'train':
        mu = x.mean(axis=0)
        var = x.var(axis=0)
        xhat = (x - mu) / np.sqrt(var + eps)
        out = gamma * xhat + beta
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * var
        cache = (xhat, gamma, var, eps)
    elif mode == 'test':
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var
    return out, cache


def _bn_backward(dout, cache):
    xhat, gamma, var, eps = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dx = gamma / np.sqrt(var + eps) / N * (N * dout - dbeta - xhat * dgamma)
    return dx, dgamma, dbeta


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    N, C, H, W = x.shape
    # one row per image, one column per (channel, position)
    x_flat = x.reshape(N, -1)
    out, cache = _bn_forward(x_flat, np.repeat(gamma, H * W), np.repeat(beta, H * W), bn_param)
    return out.reshape(N, C, H, W), (cache, (N, C, H, W))


def spatial_batchnorm_backward(dout, cache):
    cache, (N, C, H, W) = cache
    dx, dgamma, dbeta = _bn_backward(dout.reshape(N, -1), cache)
    dgamma = dgamma.reshape(C, H * W).sum(axis=1)
    dbeta = dbeta.reshape(C, H * W).sum(axis=1)
    return dx.reshape(N, C, H, W), dgamma, dbeta
