import numpy as np


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)

    N, D = x.shape
    running_mean = bn_param.get('running_mean', np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get('running_var', np.zeros(D, dtype=x.dtype))

    # batch statistics and the running averages
    means = x.mean(0)
    vars = x.var(0)
    running_mean = momentum * running_mean + (1 - momentum) * means
    running_var = momentum * running_var + (1 - momentum) * vars

    out, cache = None, None
    if mode == 'train':
        std_eps = np.sqrt(vars + eps)
        standardized_x = (x - means) / std_eps
        out = standardized_x * gamma + beta
        cache = (standardized_x, gamma, std_eps)
    elif mode == 'test':
        standardized_x = (x - running_mean) / np.sqrt(running_var + eps)
        out = standardized_x * gamma + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    standardized_x, gamma, std_eps = cache
    N = dout.shape[0]
    dbeta = dout.sum(0)
    dgamma = (dout * standardized_x).sum(0)
    dxhat = dout * gamma
    dx = (N * dxhat - dxhat.sum(0) - standardized_x * (dxhat * standardized_x).sum(0)) / (N * std_eps)
    return dx, dgamma, dbeta
