import numpy as np


def sigmoid_forward(x):
    e = np.exp(x)
    out = e / (1 + e)
    cache = out
    return out, cache


def sigmoid_backward(dout, cache):
    out = cache
    return dout * out * (1 - out)
