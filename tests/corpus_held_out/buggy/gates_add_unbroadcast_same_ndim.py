import numpy as np


def _reduce_to(grad, shape):
    # sum over every axis where the input was stretched
    if grad.shape == tuple(shape):
        return grad.copy()
    axes = tuple(k for k in range(grad.ndim) if grad.shape[k] != shape[k])
    return grad.sum(axis=axes, keepdims=True)


def add_forward(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return a + b, (a.shape, b.shape)


def add_backward(dout, cache):
    shape_a, shape_b = cache
    return _reduce_to(dout, shape_a), _reduce_to(dout, shape_b)


def mul_forward(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return a * b, (a, b)


def mul_backward(dout, cache):
    a, b = cache
    da = _reduce_to(dout * b, a.shape)
    db = _reduce_to(dout * a, b.shape)
    return da, db
