"""Corpus (CS231n): max_pool_forward walks range(0, H, stride): past the last window when stride < pool size."""
import numpy as np

def max_pool_forward_naive(x, pool_param):
    ph, pw, S = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape
    out = np.zeros((N, C, 1 + (H - ph) // S, 1 + (W - pw) // S))
    for i, top in enumerate(range(0, H, S)):
        for j, left in enumerate(range(0, W, S)):
            out[:, :, i, j] = x[:, :, top:top + ph, left:left + pw].max(axis=(2, 3))
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
                    dx[n, c, i * S + r, j * S + k] += dout[n, c, i, j]
    return dx
