import numpy as np


def affine_forward(x, w, b):
    x_flat = x.reshape(x.shape[0], w.shape[0])
    out = x_flat @ w + b
    cache = (x, w)
    return (out, cache)


def affine_backward(dout, cache):
    x, w = cache
    x_flat = x.reshape(x.shape[0], w.shape[0])
    dx = (dout @ w.T).reshape(x.shape)
    dw = x_flat.T @ dout
    db = dout.sum(axis=0)
    return (dx, dw, db)


def relu_forward(x):
    out = np.maximum(x, 0.0)
    cache = x
    return (out, cache)


def relu_backward(dout, cache):
    x = cache
    dx = (x > 0) * dout
    return dx


def sigmoid_forward(x):
    z = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))
    cache = out
    return (out, cache)


def sigmoid_backward(dout, cache):
    s = cache
    dx = s * (1.0 - s) * dout
    return dx


def softmax_loss(x, y):
    N = x.shape[0]
    shifted = x - x.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(N)
    loss = -log_probs[rows, y].mean()
    dx = np.exp(log_probs)
    dx[rows, y] -= 1.0
    dx /= N
    return (float(loss), dx)


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param.get('mode')
    if mode not in ('train', 'test'):
        raise ValueError(f"bn_param['mode'] must be 'train' or 'test', not {mode!r}")
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)

    N, D = x.shape
    running_mean = bn_param.get('running_mean', np.zeros(D))
    running_var = bn_param.get('running_var', np.zeros(D))

    out, cache = None, None
    if mode == 'train':
        mean = np.mean(x, 0)
        var = np.var(x, 0)
        sigma = np.sqrt(var + eps)
        x_cap = (x - mean) / sigma
        out = gamma * x_cap + beta
        running_mean = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var
        cache = {}
        cache['x'] = x
        cache['x_cap'] = x_cap
        cache['mean'] = mean
        cache['var'] = var
        cache['gamma'] = gamma
        cache['beta'] = beta
        cache['eps'] = eps
        bn_param['running_mean'] = running_mean
        bn_param['running_var'] = running_var
    else:
        x_cap = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * x_cap + beta
    return out, cache


def batchnorm_backward(dout, cache):
    if cache is None:
        raise ValueError("batchnorm_backward needs the cache of a train-mode forward pass")
    dx, dgamma, dbeta = None, None, None
    eps = cache['eps']
    N, D = cache['x'].shape
    dx_cap = cache['gamma'] * dout
    dvar = np.sum(dx_cap * (cache['x'] - cache['mean']), axis=0) * ((cache['var'] + eps) ** (-1.5)) * (-0.5)
    dmean = np.sum(-dx_cap / np.sqrt(cache['var'] + eps), axis=0) + dvar * np.sum(-2 * (cache['x'] - cache['mean']) / N, axis=0)
    dx = dx_cap / (np.sqrt(cache['var']) + eps) + dvar * 2 * (cache['x'] - cache['mean']) / N + dmean / N
    dgamma = np.sum(dout * cache['x_cap'], axis=0)
    dbeta = np.sum(dout, axis=0)
    return dx, dgamma, dbeta
