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
        mean = np.sum(x, axis=0) / N
        var = np.sum((x - mean) ** 2, axis=0) / N
        nor_x = (x - mean) / np.sqrt(var + eps)
        out = gamma * nor_x + beta
        cache = (x, nor_x, gamma, eps, mean, var)
        running_mean = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var
    elif mode == 'test':
        out = (x - running_mean) / np.sqrt(running_var + eps)
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    x, nor_x, gamma, eps, mean, var = cache
    N = x.shape[0]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * nor_x, axis=0)
    dnor_x = dout * gamma
    dvar = np.sum(dnor_x * (x - mean), axis=0) * (-0.5) * (var + eps) ** (-1.5)
    dmean = np.sum(dnor_x, axis=0) * (-(var + eps) ** (-0.5)) + dvar * (-2 / N) * np.sum(x - mean, axis=0)
    dx = dnor_x * (var + eps) ** (-0.5) + dvar * 2 * (x - mean) / N + dmean / N
    return dx, dgamma, dbeta
