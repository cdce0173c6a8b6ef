import numpy as np


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)

    N, D = x.shape
    running_mean = bn_param.get('running_mean', np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get('running_var', np.zeros(D, dtype=x.dtype))

    if mode == 'train':
        mu = x.mean(axis=0)
        sigma2 = x.var(axis=0)
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * sigma2
        xn = (x - mu) / (np.sqrt(sigma2) + eps)
        out = gamma * xn + beta
        cache = {'x': x, 'mu': mu, 'var': sigma2, 'xn': xn, 'gamma': gamma, 'eps': eps}
    elif mode == 'test':
        xn = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * xn + beta
        cache = None
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    x, mu, var = cache['x'], cache['mu'], cache['var']
    xn, gamma, eps = cache['xn'], cache['gamma'], cache['eps']
    m = x.shape[0]
    std = np.sqrt(var + eps)

    dbeta = dout.sum(axis=0)
    dgamma = (dout * xn).sum(axis=0)

    dxn = dout * gamma
    dvar = np.sum(dxn * (x - mu), axis=0) * -0.5 / std ** 3
    dmu = -np.sum(dxn, axis=0) / std - 2.0 * dvar * np.mean(x - mu, axis=0)
    dx = dxn / std + dvar * 2.0 * (x - mu) / m + dmu / m
    return dx, dgamma, dbeta
