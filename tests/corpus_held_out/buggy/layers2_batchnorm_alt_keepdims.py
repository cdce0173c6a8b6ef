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
        x_mean = np.mean(x, axis=0)
        x_var = np.var(x, axis=0)
        x_norm = (x - x_mean) / np.sqrt(x_var + eps)
        out = gamma * x_norm + beta
        cache = (x, x_mean, x_var, x_norm, gamma, beta, eps)
        running_mean = momentum * running_mean + (1 - momentum) * x_mean
        running_var = momentum * running_var + (1 - momentum) * x_var
    elif mode == 'test':
        x_norm = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * x_norm + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var
    return out, cache


def batchnorm_backward_alt(dout, cache):
    x, x_mean, x_var, x_norm, gamma, beta, eps = cache
    N, D = x.shape
    x_var_inv = (x_var + eps) ** (-1. / 2.)
    dbeta = np.sum(dout, axis=0, keepdims=True)
    dgamma = np.sum(x_norm * dout, axis=0, keepdims=True)
    dx = (1. / N) * gamma * x_var_inv * (N * dout - dbeta - x_norm * dgamma)
    return dx, dgamma, dbeta
