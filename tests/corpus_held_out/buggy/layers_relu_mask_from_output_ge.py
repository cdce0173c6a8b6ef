import numpy as np


def relu_forward(x):
    out = np.maximum(0, x)
    cache = out
    return out, cache


def relu_backward(dout, cache):
    out = cache
    dx = dout * (out >= 0)
    return dx
