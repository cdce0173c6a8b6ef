import numpy as np


def sigmoid_forward(x):
    pos = x >= 0
    z = np.exp(-np.abs(x))
    out = np.where(pos, 1 / (1 + z), z / (1 + z))
    cache = (x, z)
    return out, cache


def sigmoid_backward(dout, cache):
    x, z = cache
    pos = x >= 0
    # d/dx of 1 / (1 + z) and of z / (1 + z), z = exp(-|x|)
    grad_pos = z / (1 + z) ** 2
    grad_neg = -z * z / (1 + z) ** 2
    dx = dout * np.where(pos, grad_pos, grad_neg)
    return dx
