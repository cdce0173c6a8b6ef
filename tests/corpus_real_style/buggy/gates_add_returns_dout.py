import numpy as np


def unbroadcast(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


def add_forward(a, b):
    return a + b, (np.shape(a), np.shape(b))


def add_backward(dout, cache):
    # d(a + b)/da = 1 and d(a + b)/db = 1
    da = dout
    db = dout
    return da, db
