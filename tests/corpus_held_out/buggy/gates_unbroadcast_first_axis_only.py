import numpy as np


def unbroadcast(grad, shape):
    grad = np.asarray(grad, dtype=np.float64)
    if grad.shape == tuple(shape):
        return grad
    if len(shape) == 0:          # () against (2, 3)
        return grad.sum()
    # (1, 3) against (2, 3), or (3,) against (2, 3): the copies run along axis 0
    return grad.sum(axis=0).reshape(shape)


def add_forward(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return a + b, (a.shape, b.shape)


def add_backward(dout, cache):
    a_shape, b_shape = cache
    return unbroadcast(dout, a_shape), unbroadcast(dout, b_shape)


def mul_forward(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return a * b, (a, b)


def mul_backward(dout, cache):
    a, b = cache
    return unbroadcast(dout * b, a.shape), unbroadcast(dout * a, b.shape)


def max_forward(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return np.maximum(a, b), (a, b)


def max_backward(dout, cache):
    a, b = cache
    da = dout * (a >= b)
    db = dout * (a < b)
    return unbroadcast(da, a.shape), unbroadcast(db, b.shape)
