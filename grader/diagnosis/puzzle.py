"""The shape puzzle, solved for a student whose products or sums don't line up.

When a function raises because shapes don't match, the shapes it had to work with are known: dout
and the inputs its cache holds. Each gradient must have its input's shape, so for each one we look
for the product (A @ B with either transposed) or the sum of dout over an axis that has exactly
that shape: "dx must be (4, 5); dout is (4, 3) and w is (5, 3): dx = dout @ w.T". Shapes only,
never values.
"""
from __future__ import annotations

import itertools
import re

from .shapes import fmt


def _operands(arrays: dict[str, tuple], dout_shape: tuple | None) -> dict[str, tuple]:
    """The 2-d arrays a product can use: dout, the inputs, and a >2-d input flattened to (N, D)."""
    found = {"dout": tuple(dout_shape)} if dout_shape is not None and len(dout_shape) == 2 else {}
    for name, shape in arrays.items():
        shape = tuple(shape)
        if len(shape) == 2:
            found[name] = shape
        elif len(shape) > 2:
            n = shape[0]
            rest = 1
            for size in shape[1:]:
                rest *= size
            found[f"{name}.reshape({name}.shape[0], -1)"] = (n, rest)
    return found


def _products(target: tuple, operands: dict[str, tuple], must_use: str | None) -> list[str]:
    """Expressions A @ B (either side transposed) whose shape is `target`."""
    found = []
    for (a, sa), (b, sb) in itertools.permutations(operands.items(), 2):
        if must_use and must_use not in (a, b):
            continue
        for ta, tb in itertools.product((False, True), repeat=2):
            left = sa[::-1] if ta else sa
            right = sb[::-1] if tb else sb
            if left[1] == right[0] and (left[0], right[1]) == target:
                found.append(f"{a}{'.T' if ta else ''} @ {b}{'.T' if tb else ''}")
    return found


def solve(arrays: dict[str, tuple], dout_shape: tuple | None, *, backward: bool) -> list[str]:
    """One line per array input: the expression with the shape its gradient (or, for a forward,
    the output) must have. Empty when the shapes admit no product or sum, or several that differ
    (square shapes: the puzzle is ambiguous, and a wrong answer is worse than none)."""
    operands = _operands(arrays, dout_shape)
    lines = []
    if not backward:
        if dout_shape is None or len(dout_shape) != 2:
            return []
        options = [p for p in _products(tuple(dout_shape), {k: v for k, v in operands.items() if k != "dout"}, None)
                   if ".T" not in p]
        return [f"out must be {fmt(dout_shape)}: out = {options[0]} (+ b)"] if len(options) == 1 else []
    for name, shape in arrays.items():
        shape = tuple(shape)
        target = shape if len(shape) <= 2 else (shape[0], _size(shape[1:]))
        options = _products(target, {k: v for k, v in operands.items() if not k.startswith(name)}, "dout")
        if not options and dout_shape is not None and len(shape) == 1:
            options = [f"dout.sum(axis={axis})" for axis, size in enumerate(dout_shape)
                       if tuple(s for i, s in enumerate(dout_shape) if i != axis) == shape]
        if len(options) != 1:
            continue
        reshape = f".reshape({name}.shape)" if len(shape) > 2 else ""
        expression = f"({options[0]}){reshape}" if reshape else options[0]
        lines.append(f"d{name} must be {fmt(shape)}: d{name} = {expression}")
    return lines


def _size(shape: tuple) -> int:
    size = 1
    for n in shape:
        size *= n
    return size


_BROADCAST = re.compile(r"shapes \(([\d, ]*)\) \(([\d, ]*)\)")


def broadcast_shapes(message: str) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """The two shapes of NumPy's "could not be broadcast together with shapes (4,3) (4,)"."""
    match = _BROADCAST.search(message)
    if not match:
        return None
    first, second = (tuple(int(n) for n in group.split(",") if n.strip()) for group in match.groups())
    return first, second


def broadcast_advice(message: str) -> str | None:
    """Advice for "operands could not be broadcast together with shapes (4,3) (4,)": a per-row
    value (N,) against (N, D) is lined up with D, not N."""
    shapes = broadcast_shapes(message)
    if shapes is None:
        return None
    big, small = sorted(shapes, key=len, reverse=True)
    if len(big) == 2 and len(small) == 1 and small[0] == big[0] != big[1]:
        return (f"A {fmt(small)} array meets a {fmt(big)} one: NumPy lines up the last axes, so its {small[0]} "
                f"values are matched with the {big[1]} columns. A per-row result needs keepdims=True (shape "
                f"({big[0]}, 1)); a per-column one reduces over axis 0 (shape ({big[1]},)).")
    return f"Shapes {fmt(shapes[0])} and {fmt(shapes[1])} don't broadcast: {GENERAL_BROADCAST}"


# The general advice for two shapes that do not broadcast, which reads nothing of why (a fix of the
# student's own code may still be found: grader.checks.common.unread_error).
GENERAL_BROADCAST = ("NumPy lines up the last axes, which must be equal or 1. Print the shapes before that line; "
                     "keepdims=True keeps a reduced axis as size 1.")
