import numpy as np


def relu_forward(x):
    x_flag = x
    x_flag[x_flag < 0] = 0
    out = x_flag
    cache = out.copy()
    return out, cache


def relu_backward(dout, cache):
    out = cache
    dx = dout * (out > 0)
    return dx
