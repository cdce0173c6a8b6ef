import numpy as np


def conv_forward_naive(x, w, b, conv_param):
  stride = conv_param['stride']
  pad = conv_param['pad']
  x_padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), 'constant')
  N, C, H, W = x.shape
  F, _, HH, WW = w.shape
  new_H = 1 + (H + 2 * pad - HH) // stride
  new_W = 1 + (W + 2 * pad - WW) // stride
  out = np.zeros((N, F, new_H, new_W))
  w_flat_trans = w.reshape(F, C * HH * WW).T
  for i in range(new_H):
    for j in range(new_W):
      patch = x_padded[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
      out[:, :, i, j] = np.matmul(patch.reshape(N, C * HH * WW), w_flat_trans) + b
  cache = (x, w, b, conv_param)
  return out, cache


def conv_backward_naive(dout, cache):
  x, w, b, conv_param = cache
  N, C, H, W = x.shape
  F, HH, WW = w.shape[0], w.shape[2], w.shape[3]
  new_H, new_W = dout.shape[2], dout.shape[3]
  stride = conv_param['stride']
  pad = conv_param['pad']
  x_padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), 'constant')
  # each padded pixel (i, j) gets dout * w from every output (k, l) whose window covers it
  dxpad = np.zeros_like(x_padded)
  for i in range(H + 2 * pad):
    for j in range(W + 2 * pad):
      for k in range(new_H):
        for l in range(new_W):
          a, c = i - k * stride, j - l * stride
          if 0 <= a < HH and 0 <= c < HH:
            dxpad[:, :, i, j] += np.matmul(dout[:, :, k, l], w[:, :, a, c])
  dx = dxpad[:, :, pad:pad + H, pad:pad + W]
  dout_swap = np.swapaxes(dout, 0, 1).reshape(F, -1)
  db = np.sum(dout_swap, axis=1)
  dw = np.zeros_like(w)
  for i in range(HH):
    for j in range(WW):
      xs = x_padded[:, :, stride * np.arange(new_H) + i, :][:, :, :, stride * np.arange(new_W) + j]
      dw[:, :, i, j] = np.matmul(dout_swap, np.swapaxes(xs, 0, 1).reshape(C, -1).T)
  return dx, dw, db
