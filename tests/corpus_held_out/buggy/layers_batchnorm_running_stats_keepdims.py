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
        mu = 1.0 / N * np.sum(x, axis=0, keepdims=True)              # (1)
        xsubmu = x - mu                                              # (2)
        xsubmusqr = xsubmu ** 2                                      # (3)
        var = 1.0 / N * np.sum(xsubmusqr, axis=0, keepdims=True)     # (4)
        sqrtvar = np.sqrt(var + eps)                                 # (5)
        invsqrtvar = 1.0 / sqrtvar                                   # (6)
        x_norm = xsubmu * invsqrtvar                                 # (7)
        out = gamma * x_norm + beta                                  # (8), (9)
        cache = (xsubmu, var, sqrtvar, invsqrtvar, x_norm, gamma, eps)
        running_mean = momentum * running_mean + (1. - momentum) * mu
        running_var = momentum * running_var + (1. - momentum) * var
    elif mode == 'test':
        a = gamma / np.sqrt(running_var + eps)
        out = a * x + beta - a * running_mean
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    xsubmu, var, sqrtvar, invsqrtvar, x_norm, gamma, eps = cache
    N, D = x_norm.shape
    dbeta = np.sum(dout, axis=0)                                     # (9)
    dgamma = np.sum(dout * x_norm, axis=0)                           # (8)
    dx_norm = dout * gamma                                           # (8)
    dxsubmu = dx_norm * invsqrtvar                                   # (7)
    dinvsqrtvar = np.sum(dx_norm * xsubmu, axis=0, keepdims=True)    # (7)
    dsqrtvar = -dinvsqrtvar / sqrtvar ** 2                           # (6)
    dvar = 0.5 * dsqrtvar / np.sqrt(var + eps)                       # (5)
    dxsubmusqr = dvar * np.ones((N, D)) / N                          # (4)
    dxsubmu = dxsubmu + 2 * xsubmu * dxsubmusqr                      # (3)
    dmu = -np.sum(dxsubmu, axis=0, keepdims=True)                    # (2)
    dx = dxsubmu + dmu * np.ones((N, D)) / N                         # (1)
    return dx, dgamma, dbeta
