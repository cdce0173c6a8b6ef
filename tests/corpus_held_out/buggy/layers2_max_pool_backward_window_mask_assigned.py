import numpy as np


def max_pool_forward_naive(x, pool_param):
    N, C, H, W = x.shape
    pool_height = pool_param['pool_height']
    pool_width = pool_param['pool_width']
    stride = pool_param['stride']
    H_out = 1 + (H - pool_height) // stride
    W_out = 1 + (W - pool_width) // stride
    out = np.zeros(shape=(N, C, H_out, W_out))
    for i in range(H_out):
      for j in range(W_out):
        out[:, :, i, j] = np.max(x[:, :, i*stride : i*stride+pool_height, j*stride : j*stride+pool_width], axis=(2, 3))
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    N, C, H, W = x.shape
    pool_height = pool_param['pool_height']
    pool_width = pool_param['pool_width']
    stride = pool_param['stride']
    H_out = 1 + (H - pool_height) // stride
    W_out = 1 + (W - pool_width) // stride
    dx = np.zeros_like(x)
    for i in range(H_out):
      for j in range(W_out):
        x_field = x[:, :, i*stride : i*stride+pool_height, j*stride : j*stride+pool_width]
        x_field_max = np.max(x_field, axis=(2, 3), keepdims=True)
        dx[:, :, i*stride : i*stride+pool_height, j*stride : j*stride+pool_width] = (x_field == x_field_max) * dout[:, :, i, j][:, :, None, None]
    return dx
