import numpy as np


def unbroadcast(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


def mean_down(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.mean(axis=0)
    for axis, size in enumerate(shape):
        if size == 1:
            grad = grad.mean(axis=axis, keepdims=True)
    return grad


def add_forward(a, b):
    return a + b, (np.shape(a), np.shape(b))


def add_backward(dout, cache):
    a_shape, b_shape = cache
    return mean_down(dout, a_shape), mean_down(dout, b_shape)
