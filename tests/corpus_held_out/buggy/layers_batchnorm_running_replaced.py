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
        mu = 1 / N * np.sum(x, axis=0)
        x_mu = x - mu
        sq = (x - mu) ** 2
        var = 1 / N * np.sum(sq, axis=0)
        sqrtvar = np.sqrt(var + eps)
        i_svar = 1 / sqrtvar
        x_hat = i_svar * x_mu
        out = x_hat * gamma + beta
        running_mean = momentum * mu + (1 - momentum) * mu
        running_var = momentum * var + (1 - momentum) * var
        cache = (x, mu, var, sqrtvar, i_svar, x_hat, eps, gamma)
    elif mode == 'test':
        temp_x = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * temp_x + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    x, mu, var, sqrtvar, i_svar, x_hat, eps, gamma = cache
    x_mu = x - mu
    N, D = dout.shape
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = gamma * dout
    di_svar = np.sum(dx_hat * x_mu, axis=0)
    dx_mu1 = dx_hat * i_svar
    dsqrtvar = -1 / (sqrtvar ** 2) * di_svar
    dvar = 0.5 * 1 / np.sqrt(var + eps) * dsqrtvar
    dsq = 1 / N * np.ones([N, D]) * dvar
    dx_mu2 = 2 * x_mu * dsq
    dx1 = dx_mu1 + dx_mu2
    dmu = -1 * np.sum(dx_mu1 + dx_mu2, axis=0)
    dx2 = (1 / N) * np.ones([N, D]) * dmu
    dx = dx1 + dx2
    return dx, dgamma, dbeta
