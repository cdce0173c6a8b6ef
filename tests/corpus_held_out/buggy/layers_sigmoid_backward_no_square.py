import numpy as np


def sigmoid_forward(x):
    out = 1 / (1 + np.exp(-x))
    return out, x


def sigmoid_backward(dout, cache):
    x = cache
    dx = dout * np.exp(-x) / (1 + np.exp(-x))
    return dx
