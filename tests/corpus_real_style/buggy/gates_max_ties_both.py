import numpy as np


def unbroadcast(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


def max_forward(a, b):
    return np.maximum(a, b), (a, b)


def max_backward(dout, cache):
    a, b = cache
    da = unbroadcast(dout * (a >= b), np.shape(a))
    db = unbroadcast(dout * (b >= a), np.shape(b))
    return da, db
