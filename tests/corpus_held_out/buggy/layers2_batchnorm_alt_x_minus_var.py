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
        sample_mean = np.mean(x, axis=0)
        sample_var = np.sum((x - sample_mean) ** 2, axis=0) / N
        x_ = (x - sample_mean) / np.sqrt(sample_var + eps)
        out = gamma * x_ + beta
        cache = (x, eps, gamma, beta, x_, sample_mean, sample_var)
        running_mean = momentum * running_mean + (1 - momentum) * sample_mean
        running_var = momentum * running_var + (1 - momentum) * sample_var
    elif mode == 'test':
        x_ = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * x_ + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var
    return out, cache


def batchnorm_backward_alt(dout, cache):
    x, eps, gamma, beta, x_, mean, var = cache
    N, D = x.shape
    dgamma = np.sum(dout * x_, axis=0)
    dbeta = np.sum(dout, axis=0)
    dx = (1.0 / N) * gamma * (var + eps) ** (-1.0 / 2.0) * (
        N * dout - np.sum(dout, axis=0)
        - (x - var) * (var + eps) ** (-1.0) * np.sum(dout * (x - mean), axis=0))
    return dx, dgamma, dbeta
