import numpy as np


def max_pool_forward_naive(x, pool_param):
    ph = pool_param['pool_height']
    pw = pool_param['pool_width']
    stride = pool_param['stride']
    N, C, H, W = x.shape
    H_out = 1 + (H - ph) // stride
    W_out = 1 + (W - pw) // stride
    out = np.zeros((N, C, int(H_out), int(W_out)))
    for n in range(N):
        for c in range(C):
            for hs in range(0, H_out):
                for ws in range(0, W_out):
                    out[n, c, hs, ws] = np.max(x[n, c, stride * hs: ph + stride * hs, stride * ws: pw + stride * ws])
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    ph = pool_param['pool_height']
    pw = pool_param['pool_width']
    stride = pool_param['stride']
    N, C, H, W = x.shape
    H_out = 1 + (H - ph) // stride
    W_out = 1 + (W - pw) // stride
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for hs in range(0, H_out):
                for ws in range(0, W_out):
                    window = x[n, c, stride * hs: ph + stride * hs, stride * ws: pw + stride * ws]
                    # the row holding the max, then the column holding the max
                    row_idx = np.argmax(np.max(window, axis=1))
                    col_idx = np.argmax(np.max(window, axis=0))
                    dx[n, c, stride * hs + row_idx, stride * ws + col_idx] += dout[n, c, hs, ws]
    return dx
