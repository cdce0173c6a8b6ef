import numpy as np


def exp_forward(x):
    out = np.exp(x)
    cache = out
    return out, cache


def exp_backward(dout, cache):
    dx = dout * np.exp(cache)
    return dx
