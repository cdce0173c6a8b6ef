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
        sample_std = np.std(x, axis=0)
        x_standard = (x - sample_mean) / np.sqrt(sample_std ** 2 + eps)
        out = gamma * x_standard + beta
        running_mean = momentum * running_mean + (1 - momentum) * sample_mean
        running_var = momentum * running_var + (1 - momentum) * sample_std
        cache = (x, gamma, beta, eps)
    elif mode == 'test':
        temp = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * temp + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    x, gamma, beta, eps = cache
    N = x.shape[0]
    mean = np.mean(x, axis=0)
    var = np.var(x, axis=0)
    inv = 1.0 / np.sqrt(var + eps)
    x_standard = (x - mean) * inv
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_standard, axis=0)
    dx = gamma * inv / N * (N * dout - dbeta - x_standard * dgamma)
    return dx, dgamma, dbeta
