import numpy as np


def relu_forward(x):
    out = np.maximum(x, 0)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    x = cache
    # derivative of max(x, 0) is max(x, 0) / x: 1 for positive, 0 for negative
    dx = dout * np.maximum(x, 0) / x
    return dx
