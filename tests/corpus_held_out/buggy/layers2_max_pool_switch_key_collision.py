import numpy as np


def max_pool_forward_naive(x, pool_param):
    pool_height = pool_param['pool_height']
    pool_width = pool_param['pool_width']
    stride = pool_param['stride']
    N, C, H, W = x.shape
    HH = (H - pool_height) // stride + 1  # output height
    WW = (W - pool_width) // stride + 1  # output width
    out = np.zeros((N, C, HH, WW))
    switches = {}
    for n in range(N):
        for c in range(C):
            for h in range(HH):
                for w in range(WW):
                    x_slice = x[n, c, h * stride:h * stride + pool_height, w * stride:w * stride + pool_width]
                    out[n, c, h, w] = np.max(x_slice)
                    key = str(n) + str(c) + str(h) + str(w)
                    switches[key] = np.unravel_index(np.argmax(x_slice), x_slice.shape)
    cache = (x, pool_param, switches)
    return out, cache


def max_pool_backward_naive(dout, cache):
    x, pool_param, switches = cache
    pool_height = pool_param['pool_height']
    pool_width = pool_param['pool_width']
    stride = pool_param['stride']
    N, C, H, W = x.shape
    HH = (H - pool_height) // stride + 1
    WW = (W - pool_width) // stride + 1
    dx = np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            for h in range(HH):
                for w in range(WW):
                    r, s = switches[str(n) + str(c) + str(h) + str(w)]
                    dx[n, c, h * stride + r, w * stride + s] += dout[n, c, h, w]
    return dx
