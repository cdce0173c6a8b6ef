import numpy as np


def unbroadcast(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


def max_forward(a, b):
    out = np.max(np.array([a, b]), axis=0)
    return out, (a, b)


def max_backward(dout, cache):
    a, b = cache
    a_wins = (a >= b)
    da = unbroadcast(dout * a_wins, np.shape(a))
    db = unbroadcast(dout * (1 - a_wins), np.shape(b))
    return da, db
