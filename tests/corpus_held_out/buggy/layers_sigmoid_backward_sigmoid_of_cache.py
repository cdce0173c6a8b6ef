import numpy as np


def sigmoid(x):
    return np.exp(-np.logaddexp(0, -x))


def sigmoid_forward(x):
    out = sigmoid(x)
    cache = out
    return out, cache


def sigmoid_backward(dout, cache):
    s = sigmoid(cache)
    dx = dout * s * (1 - s)
    return dx
