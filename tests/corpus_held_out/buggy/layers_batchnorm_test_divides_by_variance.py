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
        batch_mu = x.mean(axis=0)
        batch_var = x.var(axis=0)
        centred = x - batch_mu
        inv_std = 1. / np.sqrt(batch_var + eps)
        x_hat = centred * inv_std
        out = gamma * x_hat + beta
        cache = (centred, inv_std, x_hat, gamma)

        running_mean = momentum * running_mean + (1. - momentum) * batch_mu
        running_var = momentum * running_var + (1. - momentum) * batch_var
    elif mode == 'test':
        x_hat = (x - running_mean) / (running_var + eps)
        out = gamma * x_hat + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    centred, inv_std, x_hat, gamma = cache
    N = dout.shape[0]

    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)

    dx_hat = dout * gamma
    # through the variance
    dvar = (dx_hat * centred).sum(axis=0) * (-0.5) * inv_std ** 3
    # through the mean (the variance's own dependence on the mean sums to zero)
    dmean = -(dx_hat * inv_std).sum(axis=0)
    dx = dx_hat * inv_std + dvar * 2. * centred / N + dmean / N
    return dx, dgamma, dbeta
