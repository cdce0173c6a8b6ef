import numpy as np


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)
    N, D = x.shape
    running_mean = bn_param.get('running_mean', np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get('running_var', np.zeros(D, dtype=x.dtype))
    out, cache = None, None
    if mode == 'train':
        mean = x.mean(axis=0)
        var = x.var(axis=0)
        std = np.sqrt(var + eps)
        x_hat = (x - mean) / std
        out = gamma * x_hat + beta
        running_mean = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var
        cache = (x_hat, gamma, std)
    elif mode == 'test':
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    x_hat, gamma, std = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx = gamma / (N * std) * (N * dout - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    N, C, H, W = x.shape
    x = x.reshape((N, C, H * W))
    out = np.zeros((N, C, H * W))
    cache = {}
    for i in range(N):
        out_T, cache[i] = batchnorm_forward(x[i].T, gamma, beta, bn_param)
        out[i] = out_T.T
    out = out.reshape((N, C, H, W))
    return out, cache


def spatial_batchnorm_backward(dout, cache):
    N, C, H, W = dout.shape
    dout = dout.reshape((N, C, H * W))
    dx = np.zeros((N, C, H * W))
    dgamma = np.zeros(C)
    dbeta = np.zeros(C)
    for i in range(N):
        dx_T, dgamma_i, dbeta_i = batchnorm_backward(dout[i].T, cache[i])
        dx[i] = dx_T.T
        dgamma += dgamma_i
        dbeta += dbeta_i
    return dx.reshape((N, C, H, W)), dgamma, dbeta
