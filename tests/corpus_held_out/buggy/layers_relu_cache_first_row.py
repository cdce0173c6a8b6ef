import numpy as np


def relu_forward(x):
    out = np.maximum(x, 0)
    cache = (x,)
    return out, cache


def relu_backward(dout, cache):
    x = cache[0]
    mask = x[0] > 0
    return dout * mask
