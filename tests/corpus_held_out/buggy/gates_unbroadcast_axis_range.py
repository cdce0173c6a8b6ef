import numpy as np


def unbroadcast(grad, shape):
    grad = np.asarray(grad, dtype=np.float64)
    shape = tuple(shape)
    if grad.shape == shape:
        return grad
    if grad.ndim != len(shape):
        # axes that broadcasting put in front
        grad = grad.sum(axis=range(grad.ndim - len(shape)))
    stretched = tuple(n for n, size in enumerate(grad.shape) if size != shape[n])
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


def add_forward(a, b):
    out = np.add(a, b)
    cache = (np.shape(a), np.shape(b))
    return out, cache


def add_backward(dout, cache):
    a_shape, b_shape = cache
    return unbroadcast(dout, a_shape), unbroadcast(dout, b_shape)


def mul_forward(a, b):
    out = np.multiply(a, b)
    return out, (a, b)


def mul_backward(dout, cache):
    a, b = cache
    da = unbroadcast(dout * b, np.shape(a))
    db = unbroadcast(dout * a, np.shape(b))
    return da, db
