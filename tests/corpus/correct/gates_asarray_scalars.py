"""Correct gates submission: converts everything with np.asarray / np.float64, returns numpy
scalars (np.float64) for 0-d gradients, caches only what it needs, unbroadcast via np.sum with
a computed keepdims shape and a final reshape, sum_backward via np.ones(shape) * dout.
"""
import numpy as np


def unbroadcast(grad, shape):
    grad = np.asarray(grad, dtype=np.float64)
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1)
    summed = np.sum(grad, axis=axes)
    if len(shape) == 0:
        return np.float64(summed)
    return summed.reshape(shape)


def add_forward(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return np.add(a, b), (a.shape, b.shape)


def add_backward(dout, cache):
    sa, sb = cache
    return unbroadcast(dout, sa), unbroadcast(dout, sb)


def mul_forward(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return np.multiply(a, b), (a, b)


def mul_backward(dout, cache):
    a, b = cache
    return unbroadcast(np.multiply(dout, b), a.shape), unbroadcast(np.multiply(dout, a), b.shape)


def max_forward(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return np.where(a >= b, a, b), (a, b)


def max_backward(dout, cache):
    a, b = cache
    a_wins = (a >= b).astype(np.float64)
    return unbroadcast(dout * a_wins, a.shape), unbroadcast(dout * (1.0 - a_wins), b.shape)


def pow_forward(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    out = np.power(a, b)
    return out, (a, b, out)


def pow_backward(dout, cache):
    a, b, out = cache
    da = unbroadcast(dout * b * out / a, a.shape)
    db = unbroadcast(dout * out * np.log(a), b.shape)
    return da, db


def exp_forward(x):
    out = np.exp(np.asarray(x, dtype=np.float64))
    return out, out


def exp_backward(dout, cache):
    return np.multiply(dout, cache)


def sum_forward(x, axis=None, keepdims=False):
    x = np.asarray(x, dtype=np.float64)
    return np.sum(x, axis=axis, keepdims=keepdims), (x.shape, axis, keepdims)


def sum_backward(dout, cache):
    shape, axis, keepdims = cache
    if axis is None:
        axes = list(range(len(shape)))
    else:
        axes = sorted(np.atleast_1d(axis) % len(shape))
    dout = np.asarray(dout, dtype=np.float64)
    if not keepdims:
        for ax in axes:
            dout = np.expand_dims(dout, int(ax))
    return np.ones(shape) * dout
