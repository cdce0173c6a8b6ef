"""Float64 central-difference gradients, for checking the reference backward passes."""

import numpy as np


def numeric_grad(f, x, dout, h=1e-6):
    """Numerical gradient of sum(f(x) * dout) with respect to x, one element at a time.

    f is called on a private copy of x, so the caller's x is never touched.
    Returns an array of x's shape.
    """
    x = np.array(x, dtype=np.float64)  # private, writable copy (also for scalars)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        plus = np.sum(f(x) * dout)
        x[idx] = old - h
        minus = np.sum(f(x) * dout)
        x[idx] = old
        grad[idx] = (plus - minus) / (2 * h)
    return grad


def rel_error(a, b):
    """Normwise relative error max|a - b| / (max|a| + max|b|), 0 when both are 0."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = np.max(np.abs(a), initial=0.0) + np.max(np.abs(b), initial=0.0)
    diff = np.max(np.abs(a - b), initial=0.0)
    return 0.0 if scale == 0 else diff / scale
