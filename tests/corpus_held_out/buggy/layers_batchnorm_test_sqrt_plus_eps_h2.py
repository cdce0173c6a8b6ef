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
        x_mean = x.mean(axis=0)
        x_var = x.var(axis=0)
        h1 = x - x_mean
        h2 = np.sqrt(x_var + eps)
        normalized_x = h1 / h2
        out = gamma * normalized_x + beta
        running_mean = momentum * running_mean + (1 - momentum) * x_mean
        running_var = momentum * running_var + (1 - momentum) * x_var
        cache = (normalized_x, gamma, 1 / h2)
    elif mode == 'test':
        h1 = x - running_mean
        h2 = np.sqrt(running_var) + eps
        out = h1 / h2
        out = out * gamma + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    if cache is None:
        raise ValueError('batchnorm_backward needs the cache of a train-mode forward pass')
    x_hat, gamma, inv_std = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx = gamma * inv_std / N * (N * dout - dbeta - x_hat * dgamma)
    return (dx, dgamma, dbeta)
