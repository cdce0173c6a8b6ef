import numpy as np


def affine_forward(x, w, b):
  # CIFAR images: 3 x 32 x 32 = 3072 pixels per row
  x_rows = np.reshape(x, (x.shape[0], 3 * 32 * 32))
  out = x_rows.dot(w) + b
  cache = (x, w, b)
  return out, cache


def affine_backward(dout, cache):
  x, w, b = cache
  x_rows = x.reshape(x.shape[0], -1)
  dx = dout.dot(w.T).reshape(x.shape)
  dw = x_rows.T.dot(dout)
  db = np.sum(dout, axis=0)
  return dx, dw, db
