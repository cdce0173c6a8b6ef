import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
  next_h = np.tanh(np.matmul(prev_h, Wh) + np.matmul(x, Wx) + b)
  cache = next_h, prev_h, Wh, Wx, x
  return next_h, cache


def rnn_step_backward(dnext_h, cache):
  next_h, prev_h, Wh, Wx, x = cache
  dz = (1.0 - next_h ** 2) * dnext_h
  db = np.sum(dz, axis=0)
  dWh = np.matmul(prev_h.T, dz)
  dWx = np.matmul(x.T, dz)
  dprev_h = np.matmul(dz, Wh.T)
  dx = np.matmul(dz, Wx.T)
  return dx, dprev_h, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b):
  N, T, D = x.shape
  _, H = h0.shape
  h = np.zeros((N, T, H))
  cache = {}
  prev_h = h0
  for t in xrange(T):
    h[:, t, :], cache[t] = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, b)
    prev_h = h[:, t, :]
  return h, cache


def rnn_backward(dh, cache):
  N, T, H = dh.shape
  _, prev_h, Wh, Wx, x = cache[T - 1]
  dx = np.zeros((N, T, x.shape[1]))
  dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
  dnext_h = np.zeros((N, H))
  for t in xrange(T - 1, -1, -1):
    dx[:, t, :], dnext_h, dWx_t, dWh_t, db_t = rnn_step_backward(dnext_h + dh[:, t, :], cache[t])
    dWx += dWx_t
    dWh += dWh_t
    db += db_t
  dh0 = dnext_h
  return dx, dh0, dWx, dWh, db
