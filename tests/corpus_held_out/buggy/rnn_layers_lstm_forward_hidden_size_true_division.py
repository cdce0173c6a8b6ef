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
  H = prev_h.shape[1]
  a = x.dot(Wx) + prev_h.dot(Wh) + b
  i = sigmoid(a[:, :H])
  f = sigmoid(a[:, H:2 * H])
  o = sigmoid(a[:, 2 * H:3 * H])
  g = np.tanh(a[:, 3 * H:4 * H])
  next_c = prev_c * f + i * g
  tanh_c = np.tanh(next_c)
  next_h = tanh_c * o
  cache = (tanh_c, o, f, prev_c, g, i, Wx, x, Wh, prev_h)
  return next_h, next_c, cache


def lstm_step_backward(dnext_h, dnext_c, cache):
  tanh_c, o, f, prev_c, g, i, Wx, x, Wh, prev_h = cache
  do = dnext_h * tanh_c
  dc = dnext_c + dnext_h * o * (1 - tanh_c ** 2)
  dprev_c = dc * f
  df = dc * prev_c
  di = dc * g
  dg = dc * i
  da_i = di * i * (1 - i)
  da_f = df * f * (1 - f)
  da_o = do * o * (1 - o)
  da_g = dg * (1 - g ** 2)
  da = np.concatenate([da_i, da_f, da_o, da_g], axis=1)
  dx = da.dot(Wx.T)
  dWx = x.T.dot(da)
  dprev_h = da.dot(Wh.T)
  dWh = prev_h.T.dot(da)
  db = da.sum(axis=0)
  return dx, dprev_h, dprev_c, dWx, dWh, db


def lstm_forward(x, h0, Wx, Wh, b):
  N, T, _ = x.shape
  H = b.shape[0] / 4
  h = np.zeros((N, T, H))
  prev_h = h0
  prev_c = np.zeros((N, H))
  cache = []
  for t in range(T):
    prev_h, prev_c, step_cache = lstm_step_forward(x[:, t, :], prev_h, prev_c, Wx, Wh, b)
    h[:, t, :] = prev_h
    cache.append(step_cache)
  return h, cache


def lstm_backward(dh, cache):
  N, T, H = dh.shape
  D = cache[0][7].shape[1]
  dx = np.zeros((N, T, D))
  dWx = np.zeros((D, 4 * H))
  dWh = np.zeros((H, 4 * H))
  db = np.zeros((4 * H,))
  dprev_h = np.zeros((N, H))
  dprev_c = np.zeros((N, H))
  for t in range(T - 1, -1, -1):
    dx_t, dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(dh[:, t, :] + dprev_h, dprev_c, cache[t])
    dx[:, t, :] = dx_t
    dWx += dWx_t
    dWh += dWh_t
    db += db_t
  dh0 = dprev_h
  return dx, dh0, dWx, dWh, db
