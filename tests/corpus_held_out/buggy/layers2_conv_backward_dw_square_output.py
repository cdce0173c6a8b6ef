import numpy as np


def conv_forward_naive(x, w, b, conv_param):
  stride, pad = conv_param['stride'], conv_param['pad']
  N, C, H, W = x.shape
  F, C, H1, W1 = w.shape
  H2 = 1 + (H + 2 * pad - H1) // stride
  W2 = 1 + (W + 2 * pad - W1) // stride
  out = np.zeros((N, F, H2, W2))
  x_pad = np.pad(x, pad_width=[(0,), (0,), (pad,), (pad,)], mode='constant', constant_values=0)
  for n in range(N):
    for f in range(F):
      for hh in range(H2):
        for ww in range(W2):
          out[n, f, hh, ww] = np.sum(x_pad[n, :, hh * stride:hh * stride + H1, ww * stride:ww * stride + W1] * w[f, :, :, :]) + b[f]
  cache = (x, w, b, conv_param)
  return out, cache


def conv_backward_naive(dout, cache):
  x, w, b, conv_param = cache
  stride, pad = conv_param['stride'], conv_param['pad']
  N, C, H, W = x.shape
  F, C, H1, W1 = w.shape
  H2 = 1 + (H + 2 * pad - H1) // stride
  W2 = 1 + (W + 2 * pad - W1) // stride
  dw = np.zeros(w.shape)
  x_pad = np.pad(x, pad_width=[(0,), (0,), (pad,), (pad,)], mode='constant', constant_values=0)
  db = np.sum(dout, axis=(0, 2, 3))
  for f in range(F):
    for c in range(C):
      for h1 in range(H1):
        for w1 in range(W1):
          x_pad_tmp = x_pad[:, c, h1:h1 + H2 * stride:stride, w1:w1 + H2 * stride:stride]
          dw[f, c, h1, w1] = np.sum(dout[:, f, :, :] * x_pad_tmp)
  dx_pad = np.zeros(x_pad.shape)
  for n in range(N):
    for f in range(F):
      for hh in range(H2):
        for ww in range(W2):
          dx_pad[n, :, hh * stride:hh * stride + H1, ww * stride:ww * stride + W1] += w[f] * dout[n, f, hh, ww]
  dx = dx_pad[:, :, pad:pad + H, pad:pad + W]
  return dx, dw, db
