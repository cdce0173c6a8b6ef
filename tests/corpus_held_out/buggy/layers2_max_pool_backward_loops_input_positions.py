import numpy as np


def max_pool_forward_naive(x, pool_param):
    N, C, H, W = x.shape
    PH = pool_param['pool_height']
    PW = pool_param['pool_width']
    S = pool_param['stride']
    OH = int((H - PH) / S) + 1
    OW = int((W - PW) / S) + 1
    out = np.zeros((N, C, OH, OW))
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    row = i * S
                    col = j * S
                    out[n, c, i, j] = np.max(x[n, c, row:row + PH, col:col + PW])
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    N, C, H, W = x.shape
    PH = pool_param['pool_height']
    PW = pool_param['pool_width']
    S = pool_param['stride']
    dx = np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            # step through the input by the stride, one window per step
            for row in range(0, H, S):
                for col in range(0, W, S):
                    window = x[n, c, row:row + PH, col:col + PW]
                    ind = np.unravel_index(np.argmax(window, axis=None), (1, 1, PH, PW))
                    dx[n, c, row + ind[2], col + ind[3]] += dout[n, c, int(row / S), int(col / S)]
    return dx
