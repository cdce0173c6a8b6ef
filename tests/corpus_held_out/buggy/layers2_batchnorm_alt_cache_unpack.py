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
    sample_mean = np.mean(x, axis = 0)
    sample_var = np.var(x, axis = 0)
    x_hat = (x - sample_mean) / (np.sqrt(sample_var + eps))
    out = gamma * x_hat + beta
    cache = (x, sample_mean, sample_var, x_hat, eps, gamma, beta)
    running_mean = momentum * running_mean + (1 - momentum) * sample_mean
    running_var = momentum * running_var + (1 - momentum) * sample_var
  elif mode == 'test':
    out = gamma * (x - running_mean) / (np.sqrt(running_var + eps)) + beta
  else:
    raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

  bn_param['running_mean'] = running_mean
  bn_param['running_var'] = running_var
  return out, cache


def batchnorm_backward_alt(dout, cache):
  gamma, x, sample_mean, sample_var, eps, x_hat = cache
  N = x.shape[0]
  dx_hat = dout * gamma
  inv_std = 1.0 / np.sqrt(sample_var + eps)
  dx = (inv_std / N) * (N * dx_hat - np.sum(dx_hat, axis = 0)
                        - x_hat * np.sum(dx_hat * x_hat, axis = 0))
  dgamma = np.sum(x_hat * dout, axis = 0)
  dbeta = np.sum(dout, axis = 0)
  return dx, dgamma, dbeta
