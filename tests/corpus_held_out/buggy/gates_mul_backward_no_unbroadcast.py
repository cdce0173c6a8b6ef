import numpy as np


def unbroadcast(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for i, dim in enumerate(shape):
        if dim == 1 and grad.shape[i] != 1:
            grad = grad.sum(axis=i, keepdims=True)
    return grad


def add_forward(a, b):
    a = np.array(a, dtype=np.float64)
    b = np.array(b, dtype=np.float64)
    return a + b, (a.shape, b.shape)


def add_backward(dout, cache):
    a_shape, b_shape = cache
    da = unbroadcast(dout, a_shape)
    db = unbroadcast(dout, b_shape)
    return da, db


def mul_forward(a, b):
    a = np.array(a, dtype=np.float64)
    b = np.array(b, dtype=np.float64)
    out = a * b
    cache = (a, b)
    return out, cache


def mul_backward(dout, cache):
    a, b = cache
    # d(a*b)/da = b, d(a*b)/db = a
    da = b * dout
    db = a * dout
    return da, db
