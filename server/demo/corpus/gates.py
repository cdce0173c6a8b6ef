"""Correct gates submission: vectorised, tuple caches, unbroadcast with computed axes,
sum_backward via np.expand_dims and a copied broadcast.

This file is also the base that most tests/corpus/buggy/gates_*.py files copy with one bug.
"""
import numpy as np


def unbroadcast(grad, shape):
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad


def add_forward(a, b):
    out = a + b
    cache = (np.shape(a), np.shape(b))
    return out, cache


def add_backward(dout, cache):
    a_shape, b_shape = cache
    da = unbroadcast(dout, a_shape)
    db = unbroadcast(dout, b_shape)
    return da, db


def mul_forward(a, b):
    out = a * b
    cache = (a, b)
    return out, cache


def mul_backward(dout, cache):
    a, b = cache
    da = unbroadcast(dout * b, np.shape(a))
    db = unbroadcast(dout * a, np.shape(b))
    return da, db


def max_forward(a, b):
    out = np.maximum(a, b)
    cache = (a, b)
    return out, cache


def max_backward(dout, cache):
    a, b = cache
    mask = a >= b
    da = unbroadcast(dout * mask, np.shape(a))
    db = unbroadcast(dout * ~mask, np.shape(b))
    return da, db


def pow_forward(a, b):
    out = a ** b
    cache = (a, b)
    return out, cache


def pow_backward(dout, cache):
    a, b = cache
    da = unbroadcast(dout * b * a ** (b - 1), np.shape(a))
    db = unbroadcast(dout * a ** b * np.log(a), np.shape(b))
    return da, db


def exp_forward(x):
    out = np.exp(x)
    cache = out
    return out, cache


def exp_backward(dout, cache):
    out = cache
    dx = dout * out
    return dx


def sum_forward(x, axis=None, keepdims=False):
    out = np.sum(x, axis=axis, keepdims=keepdims)
    cache = (x.shape, axis, keepdims)
    return out, cache


def sum_backward(dout, cache):
    shape, axis, keepdims = cache
    ndim = len(shape)
    if axis is None:
        axes = tuple(range(ndim))
    elif isinstance(axis, int):
        axes = (axis % ndim,)
    else:
        axes = tuple(ax % ndim for ax in axis)
    if not keepdims:
        dout = np.expand_dims(dout, axes)
    dx = np.broadcast_to(dout, shape).copy()
    return dx
