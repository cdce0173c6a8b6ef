import numpy as np


def max_pool_forward_naive(x, pool_param):
    ph = pool_param['pool_height']
    pw = pool_param['pool_width']
    st = pool_param['stride']
    N, C, H, W = x.shape
    oh = 1 + (H - ph) // st
    ow = 1 + (W - pw) // st
    out = np.zeros((N, C, oh, ow))
    for a in range(oh):
        for c in range(ow):
            out[:, :, a, c] = np.max(x[:, :, a*st:a*st+ph, c*st:c*st+pw], axis=(2, 3))
    return out, (x, pool_param)


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    ph = pool_param['pool_height']
    pw = pool_param['pool_width']
    st = pool_param['stride']
    N, C, oh, ow = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for ch in range(C):
            for a in range(oh):
                for c in range(ow):
                    k = np.argmax(x[n, ch, a*st:a*st+ph, c*st:c*st+pw])
                    # flat index inside the window -> (row, col)
                    r, q = k // ph, k % pw
                    dx[n, ch, a*st + r, c*st + q] += dout[n, ch, a, c]
    return dx
