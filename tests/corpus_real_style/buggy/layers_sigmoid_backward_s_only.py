import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_forward(x):
    s = sigmoid(x)
    return s, x


def sigmoid_backward(dout, cache):
    Z = cache
    s = sigmoid(Z)
    dZ = dout * s
    assert dZ.shape == Z.shape
    return dZ
