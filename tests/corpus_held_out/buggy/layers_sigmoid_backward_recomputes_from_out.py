import numpy as np


def sigmoid_forward(x):
    out = 1.0 / (1.0 + np.exp(-x))
    return out, out


def sigmoid_backward(dout, cache):
    out = cache
    ex = np.exp(-out)
    dx = dout * ex / (1 + ex) ** 2
    return dx
