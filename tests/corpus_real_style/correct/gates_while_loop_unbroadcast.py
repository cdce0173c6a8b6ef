"""Every gate, with a while/for unbroadcast helper and caches of plain tuples."""
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
    a_shape, b_shape = cache
    return unbroadcast(dout, a_shape), unbroadcast(dout, b_shape)


def mul_forward(a, b):
    return a * b, (a, b)


def mul_backward(dout, cache):
    a, b = cache
    return unbroadcast(dout * b, np.shape(a)), unbroadcast(dout * a, np.shape(b))


def max_forward(a, b):
    return np.maximum(a, b), (a, b)


def max_backward(dout, cache):
    a, b = cache
    a_wins = (a >= b).astype(float)
    return unbroadcast(dout * a_wins, np.shape(a)), unbroadcast(dout * (1 - a_wins), np.shape(b))


def pow_forward(a, b):
    out = np.power(a, b)
    return out, (a, b, out)


def pow_backward(dout, cache):
    a, b, out = cache
    da = unbroadcast(dout * b * np.power(a, b - 1), np.shape(a))
    db = unbroadcast(dout * out * np.log(a), np.shape(b))
    return da, db


def exp_forward(x):
    out = np.exp(x)
    return out, out


def exp_backward(dout, cache):
    return dout * cache


def sum_forward(x, axis=None, keepdims=False):
    return np.sum(x, axis=axis, keepdims=keepdims), (np.shape(x), axis, keepdims)


def sum_backward(dout, cache):
    shape, axis, keepdims = cache
    if axis is None:
        axis = tuple(range(len(shape)))
    elif np.isscalar(axis):
        axis = (axis,)
    axis = tuple(sorted(ax % len(shape) for ax in axis))
    if not keepdims:
        for ax in axis:
            dout = np.expand_dims(dout, ax)
    return np.ones(shape) * dout
