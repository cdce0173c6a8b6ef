import numpy as np


def sigmoid_forward(x):
    out = np.exp(-np.logaddexp(0, x))
    return out, out


def sigmoid_backward(dout, cache):
    return dout * cache * (1 - cache)
