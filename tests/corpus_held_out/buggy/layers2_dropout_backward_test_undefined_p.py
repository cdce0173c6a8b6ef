import numpy as np


def dropout_forward(x, dropout_param):
    p, mode = dropout_param['p'], dropout_param['mode']
    if 'seed' in dropout_param: np.random.seed(dropout_param['seed'])

    mask, out = None, None
    if mode == 'train':
        mask = (np.random.rand(*x.shape) < p) / p
        out = mask * x
    elif mode == 'test': out = x
    else: raise ValueError('Invalid forward dropout mode "%s"' % mode)

    cache = (dropout_param, mask)
    out = out.astype(x.dtype, copy=False)
    return out, cache


def dropout_backward(dout, cache):
    dropout_param, mask = cache
    mode = dropout_param['mode']
    dx = None
    if mode == 'train': dx = mask * dout
    elif mode == 'test': dx = dout * p
    else: raise ValueError('Invalid backward dropout mode %s' % mode)
    return dx
