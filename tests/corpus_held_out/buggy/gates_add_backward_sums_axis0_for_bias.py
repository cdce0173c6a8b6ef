import numpy as np


def unbroadcast(grad, shape):
    grad = np.asarray(grad, dtype=np.float64)
    # leading axes the input never had
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    # axes the input had as size 1
    for i, size in enumerate(shape):
        if size == 1 and grad.shape[i] != 1:
            grad = grad.sum(axis=i, keepdims=True)
    return grad


def add_forward(a, b):
    a = np.array(a, dtype=np.float64)
    b = np.array(b, dtype=np.float64)
    out = a + b
    cache = (a.shape, b.shape)
    return out, cache


def add_backward(dout, cache):
    a_shape, b_shape = cache
    # bias grad shape is (layer_size), out grad shape is (batch_size, layer_size) so .sum()
    da = dout.sum(axis=0)
    db = dout.sum(axis=0)
    return da, db


def mul_forward(a, b):
    a = np.array(a, dtype=np.float64)
    b = np.array(b, dtype=np.float64)
    out = a * b
    cache = (a, b)
    return out, cache


def mul_backward(dout, cache):
    a, b = cache
    da = unbroadcast(dout * b, a.shape)
    db = unbroadcast(dout * a, b.shape)
    return da, db


def max_forward(a, b):
    a = np.array(a, dtype=np.float64)
    b = np.array(b, dtype=np.float64)
    out = np.maximum(a, b)
    cache = (a, b)
    return out, cache


def max_backward(dout, cache):
    a, b = cache
    a_mask = (a >= b).astype(np.float64)
    da = unbroadcast(dout * a_mask, a.shape)
    db = unbroadcast(dout * (1.0 - a_mask), b.shape)
    return da, db


def pow_forward(a, b):
    a = np.array(a, dtype=np.float64)
    b = np.array(b, dtype=np.float64)
    out = a ** b
    cache = (a, b, out)
    return out, cache


def pow_backward(dout, cache):
    a, b, out = cache
    da = unbroadcast(dout * (b * a ** (b - 1)), a.shape)
    db = unbroadcast(dout * out * np.log(a), b.shape)
    return da, db
