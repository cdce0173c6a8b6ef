import numpy as np


def max_pool_forward_naive(x, pool_param):
    N, C, H, W = x.shape
    pool_height = pool_param["pool_height"]
    pool_width = pool_param["pool_width"]
    stride = pool_param["stride"]
    H_out = (H - pool_height) // stride + 1
    W_out = (H - pool_width) // stride + 1
    out = np.zeros((N, C, H_out, W_out))
    for i in range(N):
        for j in range(C):
            for k in range(H_out):
                for l in range(W_out):
                    H_start = stride * k
                    H_end = H_start + pool_height
                    W_start = stride * l
                    W_end = W_start + pool_width
                    out[i, j, k, l] = x[i, j, H_start:H_end, W_start:W_end].max()
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    N, C, H, W = x.shape
    pool_height = pool_param["pool_height"]
    pool_width = pool_param["pool_width"]
    stride = pool_param["stride"]
    _, _, H_out, W_out = dout.shape
    dx = np.zeros(x.shape)
    for i in range(N):
        for j in range(C):
            for k in range(H_out):
                for l in range(W_out):
                    H_start = stride * k
                    H_end = H_start + pool_height
                    W_start = stride * l
                    W_end = W_start + pool_width
                    window = x[i, j, H_start:H_end, W_start:W_end]
                    r, s = np.unravel_index(np.argmax(window), window.shape)
                    dx[i, j, H_start + r, W_start + s] += dout[i, j, k, l]
    return dx
