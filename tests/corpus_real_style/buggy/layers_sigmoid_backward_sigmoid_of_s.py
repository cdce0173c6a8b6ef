import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_forward(x):
    out = sigmoid(x)
    cache = out
    return out, cache


def sigmoid_backward(dout, cache):
    # derivative of the sigmoid: sigmoid(z) * (1 - sigmoid(z))
    dx = dout * sigmoid(cache) * (1 - sigmoid(cache))
    return dx
