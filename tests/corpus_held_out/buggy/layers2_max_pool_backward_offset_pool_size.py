import numpy as np


def max_pool_forward_naive(x, pool_param):
    N, C, H, W = x.shape
    pool_height, pool_width = pool_param['pool_height'], pool_param['pool_width']
    stride = pool_param['stride']
    H_out = 1 + (H - pool_height) // stride
    W_out = 1 + (W - pool_width) // stride
    out = np.zeros((N, C, H_out, W_out))
    for i in range(N):
        for j in range(C):
            for k in range(H_out):
                for n in range(W_out):
                    out[i, j, k, n] = np.max(x[i, j, k * stride:k * stride + pool_height,
                                               n * stride:n * stride + pool_width])
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    N, C, H, W = x.shape
    pool_height, pool_width = pool_param['pool_height'], pool_param['pool_width']
    stride = pool_param['stride']
    H_out, W_out = dout.shape[2], dout.shape[3]
    dx = np.zeros(x.shape)
    for i in range(N):
        for j in range(C):
            for k in range(H_out):
                for n in range(W_out):
                    window = x[i, j, k * stride:k * stride + pool_height, n * stride:n * stride + pool_width]
                    row, col = np.unravel_index(np.argmax(window), window.shape)
                    dx[i, j, k * pool_height + row, n * pool_width + col] += dout[i, j, k, n]
    return dx
