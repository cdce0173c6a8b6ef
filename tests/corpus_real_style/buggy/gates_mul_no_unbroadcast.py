import numpy as np


def mul_forward(a, b):
    out = a * b
    cache = (a, b)
    return out, cache


def mul_backward(dout, cache):
    a, b = cache
    da = dout * b
    db = dout * a
    return da, db
