import numpy as np


def unbroadcast(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


def pow_forward(a, b):
    out = np.power(a, b)
    cache = (a, b, out)
    return out, cache


def pow_backward(dout, cache):
    a, b, out = cache
    local_b = out * np.log(a)
    local_a = b * np.power(a, b - 1) + local_b
    da = unbroadcast(dout * local_a, np.shape(a))
    db = unbroadcast(dout * local_b, np.shape(b))
    return da, db
