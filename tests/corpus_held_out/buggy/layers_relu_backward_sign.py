import numpy as np


def relu_forward(x):
    out = x * (x > 0)
    return out, x


def relu_backward(dout, cache):
    x = cache
    dx = dout * np.sign(x)
    return dx
