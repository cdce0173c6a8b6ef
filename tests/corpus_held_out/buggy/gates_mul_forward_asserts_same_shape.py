import numpy as np


def unbroadcast(grad, shape):
    grad = np.asarray(grad, dtype=np.float64)
    lead = grad.ndim - len(shape)
    if lead > 0:
        grad = grad.sum(axis=tuple(range(lead)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


def add_forward(a, b):
    out = np.asarray(a, dtype=np.float64) + np.asarray(b, dtype=np.float64)
    return out, (np.shape(a), np.shape(b))


def add_backward(dout, cache):
    a_shape, b_shape = cache
    return unbroadcast(dout, a_shape), unbroadcast(dout, b_shape)


def mul_forward(a, b):
    # elementwise product: both operands must line up entry by entry
    assert np.shape(a) == np.shape(b), "mul: shapes differ"
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return a * b, (a, b)


def mul_backward(dout, cache):
    a, b = cache
    da = unbroadcast(dout * b, a.shape)
    db = unbroadcast(dout * a, b.shape)
    return da, db
