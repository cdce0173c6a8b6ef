import numpy as np


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)
    D = x.shape[1]
    running_mean = bn_param.get('running_mean', np.zeros(D))
    running_var = bn_param.get('running_var', np.zeros(D))

    mu = x.mean(axis=0)
    var = x.var(axis=0)
    # moving averages
    bn_param['running_mean'] = momentum * running_mean + (1 - momentum) * mu
    bn_param['running_var'] = momentum * running_var + (1 - momentum) * var

    if mode == 'train':
        xhat = (x - mu) / np.sqrt(var + eps)
        out = gamma * xhat + beta
        cache = {'xhat': xhat, 'gamma': gamma, 'ivar': 1.0 / np.sqrt(var + eps)}
    elif mode == 'test':
        xhat = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * xhat + beta
        cache = None
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
    return out, cache


def batchnorm_backward(dout, cache):
    xhat, gamma, ivar = cache['xhat'], cache['gamma'], cache['ivar']
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dx = gamma * ivar / N * (N * dout - dbeta - xhat * dgamma)
    return dx, dgamma, dbeta
