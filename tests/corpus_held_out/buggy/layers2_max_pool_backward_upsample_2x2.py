import numpy as np


def max_pool_forward_naive(x, pool_param):
    N, C, H, W = x.shape
    pool_height = pool_param['pool_height']
    pool_width = pool_param['pool_width']
    stride = pool_param['stride']
    H_new = 1 + (H - pool_height) // stride
    W_new = 1 + (W - pool_width) // stride
    out = np.zeros((N, C, H_new, W_new))
    mask = np.zeros_like(x, dtype=bool)
    for i in range(H_new):
        for j in range(W_new):
            hs, ws = i * stride, j * stride
            window = x[:, :, hs:hs + pool_height, ws:ws + pool_width]
            out[:, :, i, j] = np.max(window, axis=(2, 3))
            mask[:, :, hs:hs + pool_height, ws:ws + pool_width] |= (window == out[:, :, i, j][:, :, None, None])
    cache = (x, mask, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    x, mask, pool_param = cache
    # spread every dout value over its window, then keep only the maxima
    up = np.zeros_like(x)
    up[:, :, 0::2, 0::2] = dout
    up[:, :, 1::2, 0::2] = dout
    up[:, :, 0::2, 1::2] = dout
    up[:, :, 1::2, 1::2] = dout
    dx = up * mask
    return dx
