import numpy as np


def unbroadcast(grad, shape):
    grad = np.asarray(grad, dtype=np.float64)
    shape = tuple(shape)
    if grad.shape == shape:
        return grad
    # line the input's shape up with the gradient's, from the right
    padded = (1,) * (grad.ndim - len(shape)) + shape
    sum_axis = []
    for i in range(grad.ndim):
        if padded[i] == 1 and grad.shape[i] != 1:
            sum_axis.append(i)
    reduced = np.sum(grad, axis=tuple(sum_axis), keepdims=True)
    # get rid of the axes we kept around
    return np.squeeze(reduced)


def add_forward(a, b):
    out = a + b
    cache = (np.shape(a), np.shape(b))
    return out, cache


def add_backward(dout, cache):
    a_shape, b_shape = cache
    da = unbroadcast(dout, a_shape)
    db = unbroadcast(dout, b_shape)
    return da, db


def mul_forward(a, b):
    out = a * b
    cache = (a, b)
    return out, cache


def mul_backward(dout, cache):
    a, b = cache
    da = unbroadcast(dout * b, np.shape(a))
    db = unbroadcast(dout * a, np.shape(b))
    return da, db


def max_forward(a, b):
    out = np.maximum(a, b)
    cache = (a, b)
    return out, cache


def max_backward(dout, cache):
    a, b = cache
    a_wins = (a >= b)
    da = unbroadcast(dout * a_wins, np.shape(a))
    db = unbroadcast(dout * (1 - a_wins), np.shape(b))
    return da, db
