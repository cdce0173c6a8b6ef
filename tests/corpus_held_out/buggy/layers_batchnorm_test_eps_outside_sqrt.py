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
        avg = np.mean( x, axis = 0 )
        spread = np.var( x, axis = 0 )
        denom = np.sqrt( spread + eps )
        xhat = ( x - avg ) / denom
        out = gamma * xhat + beta

        running_mean = momentum * running_mean + ( 1 - momentum ) * avg
        running_var = momentum * running_var + ( 1 - momentum ) * spread
        cache = ( xhat, denom, gamma )
    elif mode == 'test':
        out = gamma * ( x - running_mean ) / ( np.sqrt( running_var ) + eps ) + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    ( xhat, denom, gamma ) = cache
    N = xhat.shape[0]

    dbeta = np.sum( dout, axis = 0 )
    dgamma = np.sum( dout * xhat, axis = 0 )

    g = dout * gamma
    dx = ( N * g - np.sum( g, axis = 0 ) - xhat * np.sum( g * xhat, axis = 0 ) ) / ( N * denom )
    return dx, dgamma, dbeta
