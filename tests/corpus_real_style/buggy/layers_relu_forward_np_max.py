import numpy as np


def relu_forward(x):
    out = np.max(x, 0)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    x = cache
    dx = dout * (x > 0)
    return dx
