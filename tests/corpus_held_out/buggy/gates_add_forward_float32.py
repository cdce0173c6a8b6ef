import numpy as np


def _as_array(value, dtype=np.float32):
    return np.array(value, dtype=dtype)


def unbroadcast(grad, shape):
    grad = np.asarray(grad)
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad


def add_forward(a, b):
    a_arr = _as_array(a)
    b_arr = _as_array(b)
    out = a_arr + b_arr
    cache = (a_arr.shape, b_arr.shape)
    return out, cache


def add_backward(dout, cache):
    a_shape, b_shape = cache
    return unbroadcast(dout, a_shape), unbroadcast(dout, b_shape)
