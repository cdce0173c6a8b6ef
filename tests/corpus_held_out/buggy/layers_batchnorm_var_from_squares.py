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
    # var = E[x^2] - E[x]^2
    mean_sqr_x = np.mean(np.square(x), axis=0)
    sqr_mean = np.square(sample_mean)
    sample_var = mean_sqr_x - sqr_mean
    inv_sample_std = 1 / np.sqrt(sample_var + eps)
    x_zero = x - sample_mean
    x_normal = x_zero * inv_sample_std
    out = gamma * x_normal + beta
    running_mean = momentum * running_mean + (1 - momentum) * sample_mean
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
  dinv = np.sum(dx_normal * x_zero, axis=0)
  dvar = -0.5 * dinv * inv_sample_std ** 3
  dx = dx_normal * inv_sample_std + dvar * 2 * x_zero / N
  dmean = -np.sum(dx, axis=0)
  dx = dx + dmean / N
  return dx, dgamma, dbeta
