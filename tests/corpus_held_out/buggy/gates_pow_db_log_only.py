import numpy as np


def unbroadcast(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


def pow_forward(a, b):
    return a ** b, (a, b)


def pow_backward(dout, cache):
    a, b = cache
    da = unbroadcast(dout * b * a ** (b - 1), np.shape(a))
    db = unbroadcast(dout * np.log(a), np.shape(b))
    return da, db
