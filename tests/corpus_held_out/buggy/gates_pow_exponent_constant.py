import numpy as np


def unbroadcast(grad, shape):
    shape = tuple(shape)
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


def pow_forward(a, b):
    a = np.array(a, dtype=np.float64)
    b = np.array(b, dtype=np.float64)
    out = a ** b
    cache = (a, b)
    return out, cache


def pow_backward(dout, cache):
    a, b = cache
    # power rule: d(a^b)/da = b * a^(b-1)
    da = unbroadcast(b * a ** (b - 1) * dout, a.shape)
    # the exponent is just a number, nothing flows back into it
    db = np.zeros_like(b)
    return da, db


def exp_forward(x):
    out = np.exp(x)
    return out, out


def exp_backward(dout, cache):
    return dout * cache
