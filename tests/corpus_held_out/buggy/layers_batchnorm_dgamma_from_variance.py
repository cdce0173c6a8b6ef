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
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)
    N, D = x.shape
    running_mean = bn_param.get('running_mean', np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get('running_var', np.zeros(D, dtype=x.dtype))
    out, cache = None, None
    if mode == 'train':
        mu = np.sum(x, axis=0) / float(N)
        var = np.sum((x - mu) ** 2, axis=0) / float(N)
        x_norm = (x - mu) / np.sqrt(var + eps)
        out = gamma * x_norm + beta
        running_mean = momentum * running_mean + (1.0 - momentum) * mu
        running_var = momentum * running_var + (1.0 - momentum) * var
        cache = (x, x_norm, mu, var, gamma, beta, bn_param)
    elif mode == 'test':
        x_norm = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * x_norm + beta
        cache = (running_mean, running_var, gamma, beta, bn_param)
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    x, x_norm, mu, var, gamma, beta, bn_param = cache
    N, D = x.shape
    eps = bn_param.get('eps', 1e-5)
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(var * dout, axis=0)
    dxnorm = gamma * dout
    xc = x - mu
    std = np.sqrt(var + eps)
    dxc = dxnorm / std
    dinv = np.sum(xc * dxnorm, axis=0)
    dstd = -dinv / std ** 2
    dvar = 0.5 / std * dstd
    dxc = dxc + 2.0 * xc * np.ones((N, D)) * dvar / float(N)
    dmu = -np.sum(dxc, axis=0)
    dx = dxc + np.ones((N, D)) * dmu / float(N)
    return dx, dgamma, dbeta
