"""Loops where students reach for them (affine rows, softmax rows), dict caches, a nine-step
computational-graph batchnorm backward."""
from builtins import range
import numpy as np


def affine_forward(x, w, b):
    out = np.zeros((x.shape[0], b.shape[0]))
    for i in range(x.shape[0]):
        out[i] = np.dot(x[i].reshape(1, -1), w) + b
    return out, {'x': x, 'w': w}


def affine_backward(dout, cache):
    x, w = cache['x'], cache['w']
    rows = x.reshape(x.shape[0], -1)
    dw = np.zeros_like(w)
    for i in range(rows.shape[0]):
        dw += np.outer(rows[i], dout[i])
    dx = dout.dot(w.T).reshape(x.shape)
    db = dout.sum(axis=0)
    return dx, dw, db


def relu_forward(x):
    return np.multiply(x, x > 0), {'x': x}


def relu_backward(dout, cache):
    return dout * (cache['x'] > 0)


def sigmoid_forward(x):
    out = np.exp(-np.logaddexp(0, -x))
    return out, {'out': out}


def sigmoid_backward(dout, cache):
    s = cache['out']
    return dout * s * (1.0 - s)


def softmax_loss(x, y):
    num_train, num_classes = x.shape
    loss = 0.0
    dx = np.zeros_like(x)
    for i in range(num_train):
        scores = x[i] - np.max(x[i])
        log_sum = np.log(np.sum(np.exp(scores)))
        loss += log_sum - scores[y[i]]
        for j in range(num_classes):
            dx[i, j] = np.exp(scores[j] - log_sum) - (j == y[i])
    return loss / num_train, dx / num_train


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)
    N, D = x.shape
    running_mean = bn_param.get('running_mean', np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get('running_var', np.zeros(D, dtype=x.dtype))
    cache = None
    if mode == 'train':
        mu = 1. / N * np.sum(x, axis=0)
        xmu = x - mu
        sq = xmu ** 2
        var = 1. / N * np.sum(sq, axis=0)
        sqrtvar = np.sqrt(var + eps)
        ivar = 1. / sqrtvar
        xhat = xmu * ivar
        out = gamma * xhat + beta
        cache = {'xhat': xhat, 'gamma': gamma, 'xmu': xmu, 'ivar': ivar, 'sqrtvar': sqrtvar, 'var': var, 'eps': eps}
        bn_param.setdefault('running_mean', running_mean)
        bn_param.setdefault('running_var', running_var)
        bn_param['running_mean'][:] = momentum * running_mean + (1 - momentum) * mu
        bn_param['running_var'][:] = momentum * running_var + (1 - momentum) * var
    elif mode == 'test':
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
    return out, cache


def batchnorm_backward(dout, cache):
    xhat, gamma, xmu = cache['xhat'], cache['gamma'], cache['xmu']
    ivar, sqrtvar, var, eps = cache['ivar'], cache['sqrtvar'], cache['var'], cache['eps']
    N, D = dout.shape
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * xhat, axis=0)
    dxhat = dout * gamma
    divar = np.sum(dxhat * xmu, axis=0)
    dxmu1 = dxhat * ivar
    dsqrtvar = -1. / (sqrtvar ** 2) * divar
    dvar = 0.5 * 1. / np.sqrt(var + eps) * dsqrtvar
    dsq = 1. / N * np.ones((N, D)) * dvar
    dxmu2 = 2 * xmu * dsq
    dx1 = dxmu1 + dxmu2
    dmu = -1 * np.sum(dxmu1 + dxmu2, axis=0)
    dx2 = 1. / N * np.ones((N, D)) * dmu
    dx = dx1 + dx2
    return dx, dgamma, dbeta
