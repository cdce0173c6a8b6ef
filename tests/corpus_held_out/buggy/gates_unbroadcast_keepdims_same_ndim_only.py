import numpy as np


def expand_shape(shape, target_len):
    # pad a shape with ones on the left so it has target_len axes
    return (1,) * (target_len - len(shape)) + tuple(shape)


def check_broadcast(a_shape, b_shape, out_shape):
    """Find the axes each input was broadcast along, and whether to keep them."""
    n_out = len(out_shape)
    ea = expand_shape(a_shape, n_out)
    eb = expand_shape(b_shape, n_out)
    lead_a = n_out - len(a_shape)
    lead_b = n_out - len(b_shape)
    axes_a = tuple(i for i, (s, c) in enumerate(zip(ea, out_shape)) if i < lead_a or (s == 1 and c != 1))
    axes_b = tuple(i for i, (s, c) in enumerate(zip(eb, out_shape)) if i < lead_b or (s == 1 and c != 1))
    # keep the summed axes when both inputs have the same number of dims
    keep_a = (len(a_shape) == len(b_shape)) and len(axes_a) > 0
    keep_b = (len(a_shape) == len(b_shape)) and len(axes_b) > 0
    return axes_a, axes_b, keep_a, keep_b


def unbroadcast(grad, shape, axes=None, keepdims=True):
    grad = np.asarray(grad, dtype=np.float64)
    if axes is None:
        n_out = grad.ndim
        e = expand_shape(shape, n_out)
        lead = n_out - len(shape)
        axes = tuple(i for i, (s, c) in enumerate(zip(e, grad.shape)) if i < lead or (s == 1 and c != 1))
        keepdims = False
    if len(axes) == 0:
        return grad
    return np.sum(grad, axis=axes, keepdims=keepdims)


def add_forward(a, b):
    out = np.add(a, b, dtype=np.float64)
    cache = (np.shape(a), np.shape(b), np.shape(out))
    return out, cache


def add_backward(dout, cache):
    a_shape, b_shape, out_shape = cache
    axes_a, axes_b, keep_a, keep_b = check_broadcast(a_shape, b_shape, out_shape)
    da = unbroadcast(1.0 * dout, a_shape, axes_a, keep_a)
    db = unbroadcast(1.0 * dout, b_shape, axes_b, keep_b)
    return da, db


def mul_forward(a, b):
    out = np.multiply(a, b, dtype=np.float64)
    cache = (a, b, np.shape(out))
    return out, cache


def mul_backward(dout, cache):
    a, b, out_shape = cache
    axes_a, axes_b, keep_a, keep_b = check_broadcast(np.shape(a), np.shape(b), out_shape)
    da = unbroadcast(b * dout, np.shape(a), axes_a, keep_a)
    db = unbroadcast(a * dout, np.shape(b), axes_b, keep_b)
    return da, db


def max_forward(a, b):
    out = np.maximum(a, b, dtype=np.float64)
    cache = (a, b, np.shape(out))
    return out, cache


def max_backward(dout, cache):
    a, b, out_shape = cache
    axes_a, axes_b, keep_a, keep_b = check_broadcast(np.shape(a), np.shape(b), out_shape)
    mask = (np.asarray(a) >= np.asarray(b))
    da = unbroadcast(mask * dout, np.shape(a), axes_a, keep_a)
    db = unbroadcast((~mask) * dout, np.shape(b), axes_b, keep_b)
    return da, db


def pow_forward(a, b):
    out = np.power(a, b, dtype=np.float64)
    cache = (a, b, out)
    return out, cache


def pow_backward(dout, cache):
    a, b, out = cache
    axes_a, axes_b, keep_a, keep_b = check_broadcast(np.shape(a), np.shape(b), np.shape(out))
    da = unbroadcast(b * np.power(a, b - 1.0) * dout, np.shape(a), axes_a, keep_a)
    db = unbroadcast(out * np.log(a) * dout, np.shape(b), axes_b, keep_b)
    return da, db
