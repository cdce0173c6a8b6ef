import numpy as np


def max_pool_forward_naive(x, pool_param):
    n, c, h, w = x.shape
    s = pool_param['stride']
    hp, wp = pool_param['pool_height'], pool_param['pool_width']
    oh, ow = (h - hp) // s + 1, (w - wp) // s + 1
    out = np.empty((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[:, :, i, j] = x[:, :, i*s:i*s+hp, j*s:j*s+wp].max(axis=(2, 3))
    return out, (x, pool_param)


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    n, c, h, w = x.shape
    s = pool_param['stride']
    hp, wp = pool_param['pool_height'], pool_param['pool_width']
    dx = np.zeros_like(x)
    for a in range(n):
        for b in range(c):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    r, q = np.unravel_index(np.argmax(x[a, b, i*s:i*s+hp, j*s:j*s+wp]), (hp, wp))
                    dx[a, b, i*s + r, j*s + q] = dout[a, b, i, j]
    return dx
