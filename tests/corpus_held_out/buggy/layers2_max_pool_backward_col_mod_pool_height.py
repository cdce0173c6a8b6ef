import numpy as np


def max_pool_forward_naive(x, pool_param):
    N, C, H, W = x.shape
    HH = pool_param['pool_height']
    WW = pool_param['pool_width']
    stride = pool_param['stride']
    H_ = 1 + (H - HH) // stride
    W_ = 1 + (W - WW) // stride
    out = np.zeros((N, C, H_, W_))
    for i in range(N):
        for c in range(C):
            for row in range(H_):
                for col in range(W_):
                    out[i, c, row, col] = np.max(x[i, c, stride * row:stride * row + HH, stride * col:stride * col + WW])
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    N, C, H, W = x.shape
    HH = pool_param['pool_height']
    WW = pool_param['pool_width']
    stride = pool_param['stride']
    H_ = 1 + (H - HH) // stride
    W_ = 1 + (W - WW) // stride
    dx = np.zeros(x.shape)
    for i in range(N):
        for c in range(C):
            for row in range(H_):
                for col in range(W_):
                    idx = np.argmax(x[i, c, stride * row:stride * row + HH, stride * col:stride * col + WW])
                    idx_row = idx // WW
                    idx_col = idx % HH
                    dx[i, c, stride * row + idx_row, stride * col + idx_col] += dout[i, c, row, col]
    return dx
