import numpy as np


def unbroadcast(grad, shape):
    # broadcasting prepends axes, so the gradient has extra leading axes:
    # add them up and we are back at the input's shape
    grad = np.asarray(grad, dtype=np.float64)
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    return grad


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
    a_wins = a >= b
    da = unbroadcast(dout * a_wins, a.shape)
    db = unbroadcast(dout * ~a_wins, b.shape)
    return da, db
