import numpy as np


def relu_forward(x):
    out = x.clip(min=0)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    x = cache
    dx = dout.copy()
    dx[x < 0] = 0
    return dx
