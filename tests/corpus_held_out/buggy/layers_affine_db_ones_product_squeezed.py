import numpy as np


def affine_forward(x, w, b):
    x_flat = x.reshape(x.shape[0], w.shape[0])
    out = x_flat @ w + b
    cache = (x, w)
    return (out, cache)


def affine_backward(dout, cache):
    x, w = cache
    dx, dw, db = None, None, None
    dx = dout.dot(w.transpose())
    dx = np.reshape(dx, x.shape)
    x_t = np.reshape(x, [x.shape[0], -1])
    dw = x_t.transpose().dot(dout)
    # sum over the batch as a product with a column of ones: (M, 1), then squeezed to (M,)
    db = dout.transpose().dot(np.ones([dx.shape[0], 1]))
    db = np.squeeze(db)
    return dx, dw, db


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
    eps = bn_param.get('eps', 1e-05)
    momentum = bn_param.get('momentum', 0.9)
    D = x.shape[1]
    running_mean = bn_param.get('running_mean', np.zeros(D))
    running_var = bn_param.get('running_var', np.zeros(D))
    if mode == 'test':
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        return (gamma * x_hat + beta, None)
    mean = x.mean(axis=0)
    var = x.var(axis=0)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    out = gamma * x_hat + beta
    bn_param['running_mean'] = momentum * running_mean + (1 - momentum) * mean
    bn_param['running_var'] = momentum * running_var + (1 - momentum) * var
    cache = (x_hat, gamma, inv_std)
    return (out, cache)


def batchnorm_backward(dout, cache):
    if cache is None:
        raise ValueError('batchnorm_backward needs the cache of a train-mode forward pass')
    x_hat, gamma, inv_std = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx = gamma * inv_std / N * (N * dout - dbeta - x_hat * dgamma)
    return (dx, dgamma, dbeta)
