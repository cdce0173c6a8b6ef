import numpy as np


def sigmoid_forward(x):
    out = 1 / (1 + np.exp(-x))
    cache = x
    return out, cache


def sigmoid_backward(dout, cache):
    x = cache
    dx = dout * x * (1 - x)
    return dx
