import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
  pre = np.dot(x, Wx) + np.dot(prev_h, Wh) + b
  next_h = np.tanh(pre)
  cache = {}
  cache['x'] = x
  cache['prev_h'] = prev_h
  cache['Wx'] = Wx
  cache['Wh'] = Wh
  cache['next_h'] = next_h
  return next_h, cache


def rnn_step_backward(dnext_h, cache):
  dY = dnext_h * (1 - cache['next_h'] ** 2)
  dx = np.dot(dY, cache['Wx'].T)
  dprev_h = np.dot(dY, cache['Wh'].T)
  dWx = np.dot(cache['x'].T, dY)
  dWh = np.dot(cache['prev_h'].T, dY)
  db = np.sum(dY, axis=0)
  return dx, dprev_h, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b):
  N, T, D = x.shape
  H = h0.shape[1]
  h = np.empty((N, T, H), dtype=h0.dtype)
  cache = {}
  hcur = h0
  for t in range(T):
    # one time step of the whole batch
    hcur, step_cache = rnn_step_forward(np.squeeze(x[:, t, :]), hcur, Wx, Wh, b)
    cache[str(t)] = step_cache
    h[:, t, :] = hcur
  return h, cache


def rnn_backward(dh, cache):
  N, T, H = dh.shape
  D = cache['0']['Wx'].shape[0]
  dx = np.empty((N, T, D), dtype=dh.dtype)
  dWx = np.zeros((D, H), dtype=dh.dtype)
  dWh = np.zeros((H, H), dtype=dh.dtype)
  db = np.zeros(H, dtype=dh.dtype)
  dprev_h = np.zeros((N, H), dtype=dh.dtype)
  for t in range(T - 1, -1, -1):
    dxt, dprev_h, dWxt, dWht, dbt = rnn_step_backward(dh[:, t, :] + dprev_h, cache[str(t)])
    dx[:, t, :] = dxt
    dWx += dWxt
    dWh += dWht
    db += dbt
  dh0 = dprev_h
  return dx, dh0, dWx, dWh, db
