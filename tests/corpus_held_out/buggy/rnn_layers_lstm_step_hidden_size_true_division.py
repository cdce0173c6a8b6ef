import numpy as np


def sigmoid(x):
  pos_mask = (x >= 0)
  neg_mask = (x < 0)
  z = np.zeros_like(x)
  z[pos_mask] = np.exp(-x[pos_mask])
  z[neg_mask] = np.exp(x[neg_mask])
  top = np.ones_like(x)
  top[neg_mask] = z[neg_mask]
  return top / (1 + z)


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
  H = b.shape[0] / 4
  a = np.dot(x, Wx) + np.dot(prev_h, Wh) + b
  i = sigmoid(a[:, :H])
  f = sigmoid(a[:, H:2 * H])
  o = sigmoid(a[:, 2 * H:3 * H])
  g = np.tanh(a[:, 3 * H:])
  next_c = f * prev_c + i * g
  next_h = o * np.tanh(next_c)
  cache = (x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_h, next_c)
  return next_h, next_c, cache


def lstm_step_backward(dnext_h, dnext_c, cache):
  (x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_h, next_c) = cache
  dc = dnext_c + o * (1 - np.tanh(next_c) ** 2) * dnext_h
  di = dc * g
  df = dc * prev_c
  do = dnext_h * np.tanh(next_c)
  dg = dc * i
  dprev_c = f * dc
  da = np.hstack((i * (1 - i) * di, f * (1 - f) * df, o * (1 - o) * do, (1 - g ** 2) * dg))
  dx = np.dot(da, Wx.T)
  dprev_h = np.dot(da, Wh.T)
  dWx = np.dot(x.T, da)
  dWh = np.dot(prev_h.T, da)
  db = np.sum(da, axis=0)
  return dx, dprev_h, dprev_c, dWx, dWh, db
