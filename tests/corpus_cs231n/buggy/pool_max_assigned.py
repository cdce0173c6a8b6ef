"""Corpus (CS231n): max_pool_backward sets dout at the argmax (=, not +=): a max shared by two windows loses one."""
import numpy as np

def max_pool_forward_naive(x, pool_param):
    ph, pw, S = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape
    out = np.zeros((N, C, 1 + (H - ph) // S, 1 + (W - pw) // S))
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            out[:, :, i, j] = x[:, :, i * S:i * S + ph, j * S:j * S + pw].max(axis=(2, 3))
    return out, (x, pool_param)

def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    ph, pw, S = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    dx = np.zeros_like(x)
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    window = x[n, c, i * S:i * S + ph, j * S:j * S + pw]
                    r, k = np.unravel_index(window.argmax(), window.shape)
                    dx[n, c, i * S + r, j * S + k] = dout[n, c, i, j]
    return dx
