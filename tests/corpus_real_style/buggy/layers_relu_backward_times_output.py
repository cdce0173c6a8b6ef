import numpy as np


def relu_forward(x):
    out = x * (x > 0)
    cache = out
    return out, cache


def relu_backward(dout, cache):
    out = cache
    dx = dout * out
    return dx
