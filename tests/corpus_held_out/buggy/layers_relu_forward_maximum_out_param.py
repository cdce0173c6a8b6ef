import numpy as np


def relu_forward(x):
    out = np.maximum(x, 0, x)
    cache = out
    return out, cache


def relu_backward(dout, cache):
    return dout * (cache > 0)
