"""The 2016-17 CS231n style: two-space indent, tuple caches, the paper's staged batchnorm backward."""
import numpy as np


def affine_forward(x, w, b):
  N = x.shape[0]
  x_unravelled = x.reshape(N, -1)
  out = x_unravelled.dot(w) + b
  cache = (x, w, b)
  return out, cache


def affine_backward(dout, cache):
  x, w, b = cache
  N = x.shape[0]
  dx = dout.dot(w.T).reshape(x.shape)
  dw = x.reshape(N, -1).T.dot(dout)
  db = np.sum(dout, axis=0)
  return dx, dw, db


def relu_forward(x):
  out = np.maximum(0, x)
  cache = x
  return out, cache


def relu_backward(dout, cache):
  x = cache
  dx = np.array(dout, copy=True)
  dx[x <= 0] = 0
  return dx


def sigmoid_forward(x):
  out = np.where(x >= 0, 1 / (1 + np.exp(-np.abs(x))), np.exp(-np.abs(x)) / (1 + np.exp(-np.abs(x))))
  cache = out
  return out, cache


def sigmoid_backward(dout, cache):
  s = cache
  return dout * s * (1 - s)


def softmax_loss(x, y):
  shifted_logits = x - np.max(x, axis=1, keepdims=True)
  Z = np.sum(np.exp(shifted_logits), axis=1, keepdims=True)
  log_probs = shifted_logits - np.log(Z)
  probs = np.exp(log_probs)
  N = x.shape[0]
  loss = -np.sum(log_probs[np.arange(N), y]) / N
  dx = probs.copy()
  dx[np.arange(N), y] -= 1
  dx /= N
  return loss, dx


def batchnorm_forward(x, gamma, beta, bn_param):
  mode = bn_param['mode']
  eps = bn_param.get('eps', 1e-5)
  momentum = bn_param.get('momentum', 0.9)
  N, D = x.shape
  running_mean = bn_param.get('running_mean', np.zeros(D, dtype=x.dtype))
  running_var = bn_param.get('running_var', np.zeros(D, dtype=x.dtype))
  out, cache = None, None
  if mode == 'train':
    miu = np.mean(x, axis=0)
    var = np.var(x, axis=0)
    x_hat = (x - miu) / np.sqrt(var + eps)
    out = gamma * x_hat + beta
    # the statistics live in bn_param: update them where they are
    running_mean *= momentum
    running_mean += (1 - momentum) * miu
    running_var *= momentum
    running_var += (1 - momentum) * var
    cache = (x, gamma, beta, var, miu, x_hat, eps)
  elif mode == 'test':
    out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
  else:
    raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
  bn_param['running_mean'] = running_mean
  bn_param['running_var'] = running_var
  return out, cache


def batchnorm_backward(dout, cache):
  x, gamma, beta, var, miu, x_hat, eps = cache
  m = len(x)
  dx_hat = dout * gamma
  dvar = np.sum(dx_hat * (x - miu), axis=0) * -0.5 * (var + eps) ** (-1.5)
  dmiu = np.sum(dx_hat * (-1) / np.sqrt(var + eps), axis=0) + dvar * np.mean(-2 * (x - miu), axis=0)
  dx = dx_hat / np.sqrt(var + eps) + dvar * 2 * (x - miu) / m + dmiu / m
  dgamma = np.sum(dout * x_hat, axis=0)
  dbeta = np.sum(dout, axis=0)
  return dx, dgamma, dbeta
