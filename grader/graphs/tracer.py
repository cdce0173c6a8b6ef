"""A small tracer over numpy: run an instructor's plain-numpy forward on `Traced` arrays and get
back the graph of operations it performed, each with its vector-Jacobian product (VJP).

Why our own tracer and not an autodiff library (autograd, jax): the grader needs more than a
gradient. It needs the *local* rule of each named step, applied to a student's own (possibly wrong)
upstream gradients, and the contribution of each branch separately (to say "dbndiff is missing the
contribution through bndiff2"). A tracer that records the tape gives both directly: a named node's
local rule is the tape between it and the named values it reads. With autograd the instructor
would have to write every step as a separate function of named inputs (and import
`autograd.numpy`), and the grader would gain a dependency for the forty lines of VJPs below.

`Traced` wraps an ndarray and takes part in numpy's dispatch (`__array_ufunc__`,
`__array_function__`), so the forward is written with `np.exp`, `x.sum(0, keepdims=True)`,
`a @ b`, `x ** -0.5`, `C[Xb]`, `x.reshape(n, -1)`, `x.max(1, keepdims=True)` as usual. An
operation the tracer does not know raises `Untraceable` naming it: the declaration is then refused
at load, never graded wrongly.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from numpy.lib.mixins import NDArrayOperatorsMixin

_ids = itertools.count()


class Untraceable(Exception):
    """The forward used an operation the tracer has no VJP for."""


@dataclass(eq=False)
class Traced(NDArrayOperatorsMixin):
    """An array recorded on the tape: its value, and for an operation's result the operands and the
    VJP that maps the result's gradient to one gradient per traced operand."""
    value: np.ndarray
    operands: tuple["Traced", ...] = ()
    vjp: Callable | None = None
    op: str = "input"
    id: int = field(default_factory=lambda: next(_ids))

    # --- what the forward may ask of an array ---------------------------------------------------
    @property
    def shape(self):
        return self.value.shape

    @property
    def ndim(self):
        return self.value.ndim

    @property
    def size(self):
        return self.value.size

    @property
    def dtype(self):
        return self.value.dtype

    @property
    def T(self):
        return self.transpose()

    def __len__(self):
        return len(self.value)

    def __repr__(self):
        return f"Traced({self.op}, shape={self.value.shape})"

    def __array__(self, dtype=None, copy=None):
        raise Untraceable("the forward turned a traced array into a plain array (np.asarray, float(), "
                          "a Python loop over it): write it with numpy operations on the array itself")

    def __float__(self):
        self.__array__()

    __int__ = __bool__ = __float__

    def sum(self, axis=None, keepdims=False):
        return _sum(self, axis, keepdims)

    def mean(self, axis=None, keepdims=False):
        count = self.value.size if axis is None else int(np.prod([self.value.shape[a] for a in np.atleast_1d(axis)]))
        return _sum(self, axis, keepdims) * (1.0 / count)

    def max(self, axis=None, keepdims=False):
        return _max(self, axis, keepdims)

    def reshape(self, *shape):
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        before = self.value.shape
        return _op("reshape", self.value.reshape(shape), (self,), lambda g: (g.reshape(before),))

    view = reshape

    def transpose(self, *axes):
        axes = axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes
        axes = tuple(axes) or tuple(reversed(range(self.value.ndim)))
        inverse = tuple(np.argsort(axes))
        return _op("transpose", self.value.transpose(axes), (self,), lambda g: (g.transpose(inverse),))

    def exp(self):
        return np.exp(self)

    def log(self):
        return np.log(self)

    def tanh(self):
        return np.tanh(self)

    def __getitem__(self, index):
        index = _plain_index(index)
        shape = self.value.shape

        def vjp(g):
            out = np.zeros(shape)
            np.add.at(out, index, g)
            return (out,)
        return _op("index", self.value[index], (self,), vjp)

    # --- numpy's dispatch ------------------------------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if kwargs.get("out") is not None:
            raise Untraceable(f"{ufunc.__name__} with out=: write the result to a new name instead")
        if method == "reduce" and ufunc is np.add:
            return _sum(inputs[0], kwargs.get("axis", 0), kwargs.get("keepdims", False))
        if method == "reduce" and ufunc is np.maximum:
            return _max(inputs[0], kwargs.get("axis", 0), kwargs.get("keepdims", False))
        if ufunc in _COMPARISONS and method == "__call__":
            # A mask (x > 0) is a constant as far as gradients go: a plain array, off the tape.
            return ufunc(*[x.value if isinstance(x, Traced) else x for x in inputs])
        rule = _UFUNCS.get(ufunc) if method == "__call__" else None
        if rule is None:
            raise Untraceable(f"np.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}"))
        values = [x.value if isinstance(x, Traced) else np.asarray(x, dtype=np.float64) for x in inputs]
        out = ufunc(*values)
        local = rule(out, *values)
        shapes = [v.shape for v in values]
        traced = [i for i, x in enumerate(inputs) if isinstance(x, Traced)]

        def vjp(g):
            grads = local(g)
            return tuple(_unbroadcast(grads[i], shapes[i]) for i in traced)
        return _op(ufunc.__name__, out, tuple(inputs[i] for i in traced), vjp)

    def __array_function__(self, func, types, args, kwargs):
        handler = _FUNCTIONS.get(func)
        if handler is None:
            raise Untraceable(f"np.{func.__name__}")
        return handler(*args, **kwargs)


def _op(name: str, value, operands: tuple, vjp) -> Traced:
    return Traced(np.asarray(value, dtype=np.float64), operands, vjp, name)


def _plain_index(index):
    """An index with ranges and traced arrays made plain (a range indexes as np.arange does)."""
    if isinstance(index, tuple):
        return tuple(_plain_index(part) for part in index)
    if isinstance(index, range):
        return np.arange(index.start, index.stop, index.step)
    if isinstance(index, Traced):
        raise Untraceable("indexing with a traced array: index with the integer data (Xb, Yb) instead")
    return index


def _unbroadcast(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum `grad` over the axes broadcasting added or stretched, back to `shape`."""
    grad = np.asarray(grad, dtype=np.float64)
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad.reshape(shape)


def _axes(axis, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    return tuple(a % ndim for a in np.atleast_1d(axis))


def _sum(x: Traced, axis=None, keepdims=False) -> Traced:
    axes = _axes(axis, x.value.ndim)
    shape = x.value.shape
    kept = tuple(1 if i in axes else s for i, s in enumerate(shape))
    return _op("sum", x.value.sum(axis=axes, keepdims=keepdims), (x,),
               lambda g: (np.broadcast_to(np.reshape(g, kept), shape).copy(),))


def _max(x: Traced, axis=None, keepdims=False) -> Traced:
    axes = _axes(axis, x.value.ndim)
    kept_max = x.value.max(axis=axes, keepdims=True)
    # The gradient goes to the first maximum only, as argmax (and torch's max(...).indices) picks it.
    first = _first_true(x.value == kept_max, axes)
    kept = kept_max.shape
    return _op("max", x.value.max(axis=axes, keepdims=keepdims), (x,),
               lambda g: (np.where(first, np.reshape(g, kept), 0.0),))


def _first_true(mask: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """`mask` keeping only the first True of each slice over `axes` (C order)."""
    moved = np.moveaxis(mask, axes, tuple(range(mask.ndim - len(axes), mask.ndim)))
    flat = moved.reshape(*moved.shape[:mask.ndim - len(axes)], -1)
    first = np.cumsum(flat, axis=-1) == 1
    first &= flat
    return np.moveaxis(first.reshape(moved.shape), tuple(range(mask.ndim - len(axes), mask.ndim)), axes)


def _matmul_vjp(out, a, b):
    def local(g):
        a2, b2 = (a[None, :] if a.ndim == 1 else a), (b[:, None] if b.ndim == 1 else b)
        g2 = g.reshape(a2.shape[0], b2.shape[1]) if g.ndim < 2 else g
        return ((g2 @ b2.T).reshape(a.shape), (a2.T @ g2).reshape(b.shape))
    return local


# The local gradient of each ufunc, given its output and inputs: a function of the upstream g
# returning one gradient per input (before unbroadcasting).
_UFUNCS = {
    np.add: lambda out, a, b: lambda g: (g, g),
    np.subtract: lambda out, a, b: lambda g: (g, -g),
    np.multiply: lambda out, a, b: lambda g: (g * b, g * a),
    np.true_divide: lambda out, a, b: lambda g: (g / b, -g * a / b ** 2),
    np.power: lambda out, a, b: lambda g: (g * b * a ** (b - 1),
                                           g * out * np.log(np.where(a > 0, a, 1.0))),
    np.negative: lambda out, a: lambda g: (-g,),
    np.exp: lambda out, a: lambda g: (g * out,),
    np.log: lambda out, a: lambda g: (g / a,),
    np.tanh: lambda out, a: lambda g: (g * (1 - out ** 2),),
    np.sqrt: lambda out, a: lambda g: (g * 0.5 / out,),
    np.reciprocal: lambda out, a: lambda g: (-g * out ** 2,),
    np.square: lambda out, a: lambda g: (2 * g * a,),
    np.maximum: lambda out, a, b: lambda g: (g * (a >= b), g * (a < b)),
    np.matmul: _matmul_vjp,
}

_COMPARISONS = frozenset({np.greater, np.greater_equal, np.less, np.less_equal, np.equal, np.not_equal})

_FUNCTIONS = {
    np.sum: lambda a, axis=None, keepdims=False: _sum(a, axis, keepdims),
    np.mean: lambda a, axis=None, keepdims=False: a.mean(axis, keepdims),
    np.max: lambda a, axis=None, keepdims=False: _max(a, axis, keepdims),
    np.amax: lambda a, axis=None, keepdims=False: _max(a, axis, keepdims),
    np.reshape: lambda a, shape: a.reshape(shape),
    np.transpose: lambda a, axes=None: a.transpose(*(axes or ())),
    np.dot: lambda a, b: np.matmul(a, b),
}
