import numpy as np


def unbroadcast(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


def max_forward(a, b):
    out = np.maximum(a, b)
    return out, (a, b, out)


def max_backward(dout, cache):
    a, b, out = cache
    da = unbroadcast(dout * (a == out), np.shape(a))
    db = unbroadcast(dout * (b == out), np.shape(b))
    return da, db
