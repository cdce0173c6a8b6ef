"""Reference solution: elementary gates with a forward and a backward pass.

Every gate follows one pattern:

    forward(inputs)    -> (out, cache)   compute out; cache what backward needs
    backward(dout, cache) -> gradients   local gradient times upstream dout (chain rule)

Binary gates broadcast a against b like NumPy does, so their backward passes
hand each gradient to `unbroadcast`, which sums it back to its input's shape.
Everything is float64. Nothing is modified in place: not the inputs, not dout,
not the cache, so backward can be called twice on the same cache.
"""

import numpy as np


def unbroadcast(grad, shape):
    """Sum `grad` down to `shape`, undoing NumPy broadcasting.

    grad: array of the broadcast output's shape.
    shape: the shape of the input the gradient belongs to.
    Returns an array (or 0-d value) of exactly `shape`.
    """
    grad = np.asarray(grad, dtype=np.float64)
    # Broadcasting lines shapes up from the right and prepends the axes an input lacks.
    # The input was reused along those axes, and gradients add where a value is used
    # more than once, so sum them away.
    extra = grad.ndim - len(shape)
    grad = grad.sum(axis=tuple(range(extra)))
    # An axis where the input had size 1 was stretched: sum it too, keeping its size 1.
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=stretched, keepdims=True)


def add_forward(a, b):
    """out = a + b, broadcasting a against b. Returns (out, cache)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    out = a + b
    cache = (a, b)
    return out, cache


def add_backward(dout, cache):
    """Gradients of a + b: returns (da, db), shaped like a and b."""
    a, b = cache
    # Local gradients: d(a + b)/da = 1 and d(a + b)/db = 1.
    da = unbroadcast(1.0 * dout, a.shape)
    db = unbroadcast(1.0 * dout, b.shape)
    return da, db


def mul_forward(a, b):
    """out = a * b, broadcasting a against b. Returns (out, cache)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    out = a * b
    cache = (a, b)
    return out, cache


def mul_backward(dout, cache):
    """Gradients of a * b: returns (da, db), shaped like a and b."""
    a, b = cache
    # Local gradients: d(a * b)/da = b and d(a * b)/db = a.
    da = unbroadcast(b * dout, a.shape)
    db = unbroadcast(a * dout, b.shape)
    return da, db


def max_forward(a, b):
    """out = elementwise maximum of a and b, broadcasting. Returns (out, cache)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    out = np.maximum(a, b)
    cache = (a, b)
    return out, cache


def max_backward(dout, cache):
    """Gradients of max(a, b): returns (da, db), shaped like a and b.

    The gradient flows to whichever input won; at a tie (a == b) all of it goes
    to a, so the two gradients never count the same dout twice.
    """
    a, b = cache
    a_won = a >= b
    # Local gradients: 1 for the winner, 0 for the loser.
    da = unbroadcast(a_won * dout, a.shape)
    db = unbroadcast(~a_won * dout, b.shape)
    return da, db


def pow_forward(a, b):
    """out = a ** b for a > 0, broadcasting. Returns (out, cache)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    out = a ** b
    cache = (a, b, out)
    return out, cache


def pow_backward(dout, cache):
    """Gradients of a ** b: returns (da, db), shaped like a and b."""
    a, b, out = cache
    # Local gradients: d(a^b)/da = b * a^(b-1) and d(a^b)/db = a^b * log(a).
    da = unbroadcast(b * a ** (b - 1) * dout, a.shape)
    db = unbroadcast(out * np.log(a) * dout, b.shape)
    return da, db


def exp_forward(x):
    """out = exp(x), elementwise. Returns (out, cache)."""
    x = np.asarray(x, dtype=np.float64)
    out = np.exp(x)
    cache = out  # exp is its own derivative, so the output is all backward needs
    return out, cache


def exp_backward(dout, cache):
    """Gradient of exp(x): returns dx, shaped like x."""
    out = cache
    # Local gradient: d(exp(x))/dx = exp(x).
    dx = out * dout
    return dx


def sum_forward(x, axis=None, keepdims=False):
    """out = x summed over `axis` (None, an int or a tuple of ints). Returns (out, cache)."""
    x = np.asarray(x, dtype=np.float64)
    out = x.sum(axis=axis, keepdims=keepdims)
    cache = (x.shape, axis, keepdims)
    return out, cache


def sum_backward(dout, cache):
    """Gradient of a sum: returns dx, shaped like x."""
    shape, axis, keepdims = cache
    # Name the summed axes as non-negative ints, whatever form `axis` came in.
    if axis is None:
        axis = range(len(shape))
    elif np.ndim(axis) == 0:
        axis = (axis,)
    axes = tuple(int(ax) % len(shape) for ax in axis)
    # Put the summed-away axes back as size 1 so dout lines up with x.
    if not keepdims:
        dout = np.expand_dims(dout, axes)
    # Local gradient: every summed element contributed with weight 1, so each
    # receives the dout of the sum it went into. broadcast_to gives a read-only
    # view, so copy it into a fresh array.
    dx = np.broadcast_to(dout, shape).astype(np.float64, copy=True)
    return dx
