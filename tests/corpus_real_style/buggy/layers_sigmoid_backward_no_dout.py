import numpy as np


def sigmoid_forward(x):
    output = 1 / (1 + np.exp(-x))
    cache = output
    return output, cache


def sigmoid_backward(dout, cache):
    # local gradient s * (1 - s)
    dx = cache * (1 - cache)
    return dx
