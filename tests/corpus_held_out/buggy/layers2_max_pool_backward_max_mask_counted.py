import numpy as np


def max_pool_forward_naive(x, pool_param):
    N, C, H, W = x.shape
    pool_height, pool_width = pool_param['pool_height'], pool_param['pool_width']
    stride = pool_param['stride']
    H_prime = 1 + (H - pool_height) // stride
    W_prime = 1 + (W - pool_width) // stride
    out = np.zeros((N, C, H_prime, W_prime))
    for i in range(H_prime):
        for j in range(W_prime):
            h_start, w_start = i * stride, j * stride
            out[:, :, i, j] = np.max(x[:, :, h_start:h_start + pool_height,
                                       w_start:w_start + pool_width], axis=(2, 3))
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    N, C, H, W = x.shape
    pool_height, pool_width = pool_param['pool_height'], pool_param['pool_width']
    stride = pool_param['stride']
    H_prime = 1 + (H - pool_height) // stride
    W_prime = 1 + (W - pool_width) // stride
    dx = np.zeros_like(x)
    dx_mask = np.zeros_like(x)
    for i in range(H_prime):
        for j in range(W_prime):
            h_start, h_end = i * stride, i * stride + pool_height
            w_start, w_end = j * stride, j * stride + pool_width
            window = x[:, :, h_start:h_end, w_start:w_end]
            is_max = (window == np.max(window, axis=(2, 3)).reshape(N, C, 1, 1))
            dx_mask[:, :, h_start:h_end, w_start:w_end] += is_max
            dx[:, :, h_start:h_end, w_start:w_end] = dout[:, :, i, j].reshape(N, C, 1, 1)
    dx = dx * dx_mask
    return dx
