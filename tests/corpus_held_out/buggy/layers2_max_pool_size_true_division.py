import numpy as np


def max_pool_forward_naive(x, pool_param):
    Hp = pool_param['pool_height']
    Wp = pool_param['pool_width']
    S = pool_param['stride']
    N, C, H, W = x.shape
    H1 = (H - Hp) / S + 1
    W1 = (W - Wp) / S + 1
    out = np.zeros((N, C, H1, W1))
    for n in range(N):
        for c in range(C):
            for k in range(H1):
                for l in range(W1):
                    out[n, c, k, l] = np.max(x[n, c, k * S:k * S + Hp, l * S:l * S + Wp])
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    Hp = pool_param['pool_height']
    Wp = pool_param['pool_width']
    S = pool_param['stride']
    N, C, H, W = x.shape
    H1 = (H - Hp) / S + 1
    W1 = (W - Wp) / S + 1
    dx = np.zeros((N, C, H, W))
    for n in range(N):
        for c in range(C):
            for k in range(H1):
                for l in range(W1):
                    pool_region = x[n, c, k * S:k * S + Hp, l * S:l * S + Wp]
                    is_max = pool_region == np.max(pool_region)
                    dx[n, c, k * S:k * S + Hp, l * S:l * S + Wp] += dout[n, c, k, l] * is_max
    return dx
