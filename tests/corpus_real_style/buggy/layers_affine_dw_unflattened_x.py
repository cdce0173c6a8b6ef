import numpy as np


def affine_forward(x, w, b):
  N = x.shape[0]
  x_rows = x.reshape(N, -1)
  out = x_rows.dot(w) + b
  cache = (x, w, b)
  return out, cache


def affine_backward(dout, cache):
  x, w, b = cache
  dx = dout.dot(w.T).reshape(x.shape)
  dw = x.T.dot(dout)          # x is still (N, d1, ..., dk) here
  db = np.sum(dout, axis=0)
  return dx, dw, db
