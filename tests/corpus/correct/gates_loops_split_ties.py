"""Correct gates submission: hand-written unbroadcast with loops over the axes, forward passes
element by element over np.ndindex, max backward splitting ties 50/50 (da + db == dout at a tie),
sum_backward via reshape (no expand_dims) returning the np.broadcast_to read-only view without
a copy. Caches are dicts.
"""
import math

import numpy as np


def unbroadcast(grad, shape):
    grad = np.asarray(grad, dtype=float)
    # step 1: leading axes, one at a time
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    # step 2: stretched axes, one at a time
    for axis in range(len(shape)):
        if shape[axis] == 1 and grad.shape[axis] > 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


def _elementwise(f, a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    out_shape = np.broadcast_shapes(a.shape, b.shape)
    A = np.broadcast_to(a, out_shape)
    B = np.broadcast_to(b, out_shape)
    out = np.empty(out_shape)
    for idx in np.ndindex(out_shape):
        out[idx] = f(A[idx], B[idx])
    return out


def add_forward(a, b):
    return _elementwise(lambda u, v: u + v, a, b), {"a_shape": np.shape(a), "b_shape": np.shape(b)}


def add_backward(dout, cache):
    return unbroadcast(dout, cache["a_shape"]), unbroadcast(dout, cache["b_shape"])


def mul_forward(a, b):
    return _elementwise(lambda u, v: u * v, a, b), {"a": a, "b": b}


def mul_backward(dout, cache):
    a, b = cache["a"], cache["b"]
    return unbroadcast(b * dout, np.shape(a)), unbroadcast(a * dout, np.shape(b))


def max_forward(a, b):
    return _elementwise(max, a, b), {"a": a, "b": b}


def max_backward(dout, cache):
    a, b = cache["a"], cache["b"]
    share_a = np.where(a > b, 1.0, np.where(a == b, 0.5, 0.0))
    share_b = 1.0 - share_a
    return unbroadcast(share_a * dout, np.shape(a)), unbroadcast(share_b * dout, np.shape(b))


def pow_forward(a, b):
    out = _elementwise(lambda u, v: u ** v, a, b)
    return out, {"a": a, "b": b, "out": out}


def pow_backward(dout, cache):
    a, b, out = cache["a"], cache["b"], cache["out"]
    da = unbroadcast(dout * b * np.power(a, b - 1), np.shape(a))
    db = unbroadcast(dout * out * np.log(a), np.shape(b))
    return da, db


def exp_forward(x):
    x = np.asarray(x, dtype=float)
    out = np.empty(x.shape)
    for idx in np.ndindex(x.shape):
        out[idx] = math.exp(x[idx])
    return out, {"out": out}


def exp_backward(dout, cache):
    return cache["out"] * dout


def sum_forward(x, axis=None, keepdims=False):
    return x.sum(axis=axis, keepdims=keepdims), {"shape": x.shape, "axis": axis, "keepdims": keepdims}


def sum_backward(dout, cache):
    shape, axis = cache["shape"], cache["axis"]
    if axis is None:
        axis = tuple(range(len(shape)))
    if not isinstance(axis, tuple):
        axis = (axis,)
    axis = [ax + len(shape) if ax < 0 else ax for ax in axis]
    kept_shape = [1 if i in axis else n for i, n in enumerate(shape)]
    dout = np.reshape(dout, kept_shape)
    # a read-only view (strides 0 along the summed axes); we never write into it
    return np.broadcast_to(dout, shape)
