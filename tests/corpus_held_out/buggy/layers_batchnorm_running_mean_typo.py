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
    sample_mean = np.mean(x, axis=0)
    x_zero = x - sample_mean
    sample_var = np.mean(x_zero ** 2, axis=0)
    sample_std = np.sqrt(sample_var + eps)
    inv_sample_std = 1 / sample_std
    x_normal = x_zero * inv_sample_std
    out = gamma * x_normal + beta

    runnning_mean = momentum * running_mean + (1 - momentum) * sample_mean
    running_var = momentum * running_var + (1 - momentum) * sample_var
    cache = (x_zero, x_normal, inv_sample_std, gamma, N)
  elif mode == 'test':
    x_normal = (x - running_mean) / np.sqrt(running_var + eps)
    out = gamma * x_normal + beta
  else:
    raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

  bn_param['running_mean'] = running_mean
  bn_param['running_var'] = running_var
  return out, cache


def batchnorm_backward(dout, cache):
  x_zero, x_normal, inv_sample_std, gamma, N = cache
  dbeta = np.sum(dout, axis=0)
  dgamma = np.sum(dout * x_normal, axis=0)
  dx_normal = dout * gamma
  dx = (inv_sample_std / N) * (N * dx_normal - np.sum(dx_normal, axis=0)
                               - x_normal * np.sum(dx_normal * x_normal, axis=0))
  return dx, dgamma, dbeta
