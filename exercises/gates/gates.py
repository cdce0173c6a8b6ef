"""Assignment, part 1: backpropagation through elementary gates.

Each gate is a pair of functions:

    out, cache = xxx_forward(inputs)   compute the output, and keep in `cache`
                                       whatever the backward pass will need
    grads = xxx_backward(dout, cache)  given dout = dL/dout (same shape as out),
                                       return dL/d(each input)

The chain rule says: gradient = local gradient * upstream dout. For example,
for out = a * b the local gradient with respect to a is b, so da = b * dout.

The binary gates (add, mul, max, pow) broadcast a against b exactly as NumPy
does: a of shape (3, 1) and b of shape (1, 4) give out of shape (3, 4). The
gradient you return for each input must have exactly that input's shape. An
input that broadcasting copied was used several times, and gradients add where
a value is used more than once, so sum dout over the axes broadcasting added
(leading axes) or stretched (axes where the input has size 1; keep them with
keepdims=True). Write that once, in `unbroadcast`, and use it in every binary
backward.

Rules:

* Everything is float64, in and out. Inputs may be NumPy arrays of any shape,
  0-d arrays, or Python/NumPy scalars (shape ()).
* Never modify an input, dout or anything in the cache in place: the grader
  calls each backward twice on the same cache and expects the same answer.
* Use only NumPy.

Replace each `raise NotImplementedError(...)` with your code. The grader checks
every backward against a numerical gradient: run `grade check gates.py`, or, in
the notebook, the check cell under each function.
"""

import numpy as np


def unbroadcast(grad, shape):
    """Sum `grad` down to `shape`, undoing NumPy broadcasting.

    Inputs:
      grad: float64 array of the broadcast output's shape, e.g. (2, 3, 4).
      shape: tuple of ints, the shape of the input this gradient belongs to,
        e.g. (3, 1). It is what the broadcast shape was built from, so it has
        at most grad.ndim axes; () for a scalar input.
    Output:
      float64 array of shape exactly `shape` (for shape () a 0-d array or a
      np.float64 is fine).

    Two steps, because NumPy lines shapes up from the right:
      1. sum over the leading axes that `shape` does not have at all
         (here axis 0 of the (2, 3, 4) gradient);
      2. sum with keepdims=True over every axis where `shape` has size 1 but
         grad does not (here the last axis: (3, 4) -> (3, 1)).
    Summing is right because a broadcast value was used once per copy, and
    gradients add where a value is used more than once.
    """
    # TODO: step 1, sum away the extra leading axes.
    # TODO: step 2, sum (keepdims=True) over the axes that were stretched from size 1.
    raise NotImplementedError("unbroadcast")


def add_forward(a, b):
    """Forward pass of out = a + b, with NumPy broadcasting.

    Inputs:
      a: float64 array of any shape (or a scalar, shape ()).
      b: float64 array of any shape that broadcasts with a's.
    Outputs:
      out: float64 array of the broadcast shape of a and b.
      cache: whatever add_backward needs (hint: the shapes of a and b).
    """
    # TODO: compute out and choose what to cache.
    raise NotImplementedError("add_forward")


def add_backward(dout, cache):
    """Backward pass of out = a + b.

    Inputs:
      dout: float64 array of out's shape, the upstream gradient dL/dout.
      cache: what add_forward returned.
    Outputs:
      da: float64 array of a's shape, dL/da.
      db: float64 array of b's shape, dL/db.

    The local gradient of a + b is 1 with respect to each input, so each gets
    dout, summed back to its own shape with unbroadcast.
    """
    # TODO: local gradient times dout, then unbroadcast to each input's shape.
    raise NotImplementedError("add_backward")


def mul_forward(a, b):
    """Forward pass of out = a * b (elementwise), with NumPy broadcasting.

    Inputs:
      a: float64 array of any shape (or a scalar, shape ()).
      b: float64 array of any shape that broadcasts with a's.
    Outputs:
      out: float64 array of the broadcast shape of a and b.
      cache: whatever mul_backward needs.
    """
    # TODO: compute out and choose what to cache.
    raise NotImplementedError("mul_forward")


def mul_backward(dout, cache):
    """Backward pass of out = a * b.

    Inputs:
      dout: float64 array of out's shape, the upstream gradient dL/dout.
      cache: what mul_forward returned.
    Outputs:
      da: float64 array of a's shape, dL/da.
      db: float64 array of b's shape, dL/db.

    Local gradients: d(a*b)/da = b and d(a*b)/db = a. Multiply each by dout,
    then unbroadcast to the input's shape.
    """
    # TODO: local gradient times dout, then unbroadcast to each input's shape.
    raise NotImplementedError("mul_backward")


def max_forward(a, b):
    """Forward pass of out = elementwise maximum of a and b, with broadcasting.

    Inputs:
      a: float64 array of any shape (or a scalar, shape ()).
      b: float64 array of any shape that broadcasts with a's.
    Outputs:
      out: float64 array of the broadcast shape of a and b (np.maximum).
      cache: whatever max_backward needs.
    """
    # TODO: compute out and choose what to cache.
    raise NotImplementedError("max_forward")


def max_backward(dout, cache):
    """Backward pass of out = max(a, b).

    Inputs:
      dout: float64 array of out's shape, the upstream gradient dL/dout.
      cache: what max_forward returned.
    Outputs:
      da: float64 array of a's shape, dL/da.
      db: float64 array of b's shape, dL/db.

    dout flows only to the input that won: the local gradient is 1 for the
    winner and 0 for the other. At a tie (a == b) the whole dout goes to a
    (use the mask a >= b), never to both.
    """
    # TODO: build the mask, multiply by dout, unbroadcast to each input's shape.
    raise NotImplementedError("max_backward")


def pow_forward(a, b):
    """Forward pass of out = a ** b (elementwise), with broadcasting; a > 0.

    Inputs:
      a: float64 array of any shape (or a scalar, shape ()), all entries > 0.
      b: float64 array of any shape that broadcasts with a's.
    Outputs:
      out: float64 array of the broadcast shape of a and b.
      cache: whatever pow_backward needs.
    """
    # TODO: compute out and choose what to cache.
    raise NotImplementedError("pow_forward")


def pow_backward(dout, cache):
    """Backward pass of out = a ** b.

    Inputs:
      dout: float64 array of out's shape, the upstream gradient dL/dout.
      cache: what pow_forward returned.
    Outputs:
      da: float64 array of a's shape: dout * b * a ** (b - 1), unbroadcast.
      db: float64 array of b's shape: dout * a ** b * log(a), unbroadcast.
    """
    # TODO: local gradient times dout, then unbroadcast to each input's shape.
    raise NotImplementedError("pow_backward")


def exp_forward(x):
    """Forward pass of out = exp(x), elementwise.

    Inputs:
      x: float64 array of any shape (or a scalar, shape ()).
    Outputs:
      out: float64 array of x's shape.
      cache: whatever exp_backward needs (hint: exp is its own derivative).
    """
    # TODO: compute out and choose what to cache.
    raise NotImplementedError("exp_forward")


def exp_backward(dout, cache):
    """Backward pass of out = exp(x).

    Inputs:
      dout: float64 array of x's shape, the upstream gradient dL/dout.
      cache: what exp_forward returned.
    Outputs:
      dx: float64 array of x's shape: local gradient exp(x) times dout.
    """
    # TODO: local gradient times dout.
    raise NotImplementedError("exp_backward")


def sum_forward(x, axis=None, keepdims=False):
    """Forward pass of out = x.sum(axis=axis, keepdims=keepdims).

    Inputs:
      x: float64 array of any shape.
      axis: None (sum everything), an int (may be negative, e.g. -1 for the
        last axis) or a tuple of ints.
      keepdims: if True the summed axes stay in out's shape with size 1.
    Outputs:
      out: float64 array of x's shape with the summed axes removed (or kept as
        size 1 when keepdims is True); shape () when axis is None and
        keepdims is False.
      cache: whatever sum_backward needs (hint: x's shape, axis, keepdims).
    """
    # TODO: compute out and choose what to cache.
    raise NotImplementedError("sum_forward")


def sum_backward(dout, cache):
    """Backward pass of a sum.

    Inputs:
      dout: float64 array of out's shape, the upstream gradient dL/dout.
      cache: what sum_forward returned.
    Outputs:
      dx: float64 array of x's shape.

    Every summed element contributed with local gradient 1, so each element of
    x receives the dout of the sum it went into: copy dout back along the summed
    axes. Steps: turn axis into a tuple of non-negative ints (axis % x.ndim);
    if keepdims was False, re-insert those axes as size 1 (np.expand_dims);
    then broadcast to x's shape. np.broadcast_to returns a read-only view, so
    return a copy of it.
    """
    # TODO: normalise the axes, re-insert them if needed, broadcast and copy.
    raise NotImplementedError("sum_backward")
