import numpy as np


def unbroadcast(grad, shape):
    # route the gradient back to an input and handle the broadcasting
    if grad.shape == tuple(shape):
        return grad
    return np.sum(grad, axis=0, keepdims=True).reshape(shape)


def add_forward(a, b):
    a = np.array(a, dtype=np.float64)
    b = np.array(b, dtype=np.float64)
    out = a + b
    cache = (a.shape, b.shape)
    return out, cache


def add_backward(dout, cache):
    a_shape, b_shape = cache
    da = unbroadcast(dout, a_shape)
    db = unbroadcast(dout, b_shape)
    return da, db


def mul_forward(a, b):
    a = np.array(a, dtype=np.float64)
    b = np.array(b, dtype=np.float64)
    out = a * b
    cache = (a, b)
    return out, cache


def mul_backward(dout, cache):
    a, b = cache
    # product rule: each input gets the other one times dout
    da = unbroadcast(b * dout, a.shape)
    db = unbroadcast(a * dout, b.shape)
    return da, db


def max_forward(a, b):
    a = np.array(a, dtype=np.float64)
    b = np.array(b, dtype=np.float64)
    out = np.maximum(a, b)
    cache = (a, b)
    return out, cache


def max_backward(dout, cache):
    a, b = cache
    a_wins = (a >= b).astype(np.float64)
    da = unbroadcast(a_wins * dout, a.shape)
    db = unbroadcast((1.0 - a_wins) * dout, b.shape)
    return da, db


def pow_forward(a, b):
    a = np.array(a, dtype=np.float64)
    b = np.array(b, dtype=np.float64)
    out = a ** b
    cache = (a, b, out)
    return out, cache


def pow_backward(dout, cache):
    a, b, out = cache
    da = unbroadcast(b * a ** (b - 1) * dout, a.shape)
    db = unbroadcast(out * np.log(a) * dout, b.shape)
    return da, db
