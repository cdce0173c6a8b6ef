import numpy as np


def sigmoid_forward(x):
    out = 1 / 1 + np.exp(-x)
    cache = out
    return out, cache


def sigmoid_backward(dout, cache):
    s = cache
    dx = dout * s * (1 - s)
    return dx
