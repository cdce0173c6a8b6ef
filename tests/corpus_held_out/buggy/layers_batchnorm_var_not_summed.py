import numpy as np


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)

    N = x.shape[0]
    D = np.prod(x.shape[1:])
    modified_x = np.reshape(x, (N, D))
    running_mean = bn_param.get('running_mean', np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get('running_var', np.zeros(D, dtype=x.dtype))

    out, cache = None, {}
    if mode == 'train':
        sample_mean = np.sum(modified_x, axis=0) / len(modified_x)
        sample_var = ((modified_x - sample_mean) ** 2) / len(modified_x)
        normalized_x = (modified_x - sample_mean) / np.sqrt(sample_var + eps)
        out = normalized_x * gamma + beta
        cache['sample_mean'] = sample_mean
        cache['sample_var'] = sample_var
        cache['normalized_x'] = normalized_x
        cache['gamma'] = gamma
        cache['beta'] = beta
        cache['eps'] = eps
        running_mean = momentum * running_mean + (1 - momentum) * sample_mean
        running_var = momentum * running_var + (1 - momentum) * sample_var
    elif mode == 'test':
        normalized_x = (modified_x - running_mean) / np.sqrt(running_var + eps)
        out = normalized_x * gamma + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    sample_var = cache['sample_var']
    normalized_x = cache['normalized_x']
    gamma = cache['gamma']
    eps = cache['eps']

    dgamma = np.sum(dout * normalized_x, axis=0)
    dbeta = np.sum(dout, axis=0)
    N = len(dout)
    term1 = np.multiply(gamma, pow((sample_var + eps), -0.5)) / N
    term2 = (N * dout) - dbeta - (dgamma * normalized_x)
    dx = term1 * term2
    return dx, dgamma, dbeta
