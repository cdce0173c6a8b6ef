"""Hints that propose a mechanical fix are proven before they are shown.

A shape hint says what to do (reshape to x.shape, sum dout over axis 0, drop keepdims, transpose).
Where the right answer is known (the student's forward is right), the fix is applied to the
student's own result; a fix that does not then give the right values is not proposed, and the hint
says only what is certainly wrong. A hint that would send a student the wrong way is worse than
none.
"""
from __future__ import annotations

import numpy as np

from ..compare import allclose
from .shapes import fmt, sum_to


def _summed(grad: np.ndarray, shape: tuple) -> np.ndarray | None:
    """The broadcast fix (shapes.sum_to), where `grad` has a shape `shape` broadcasts to."""
    if len(shape) > grad.ndim:
        return None
    try:
        return sum_to(grad, shape).reshape(shape)
    except ValueError:
        return None


def _reshaped(grad: np.ndarray, shape: tuple) -> np.ndarray | None:
    return grad.reshape(shape) if grad.size == int(np.prod(shape)) else None


# The fix each kind of shape hint proposes, as a function of the student's result and the shape it
# should have; kinds absent here propose nothing mechanical (a wrong axis, a squeezed broadcast),
# or only state the shape.
FIXES = {
    "not_reshaped": _reshaped,
    "keepdims": _reshaped,
    "squeezed": _reshaped,
    "shape_transposed": lambda grad, shape: grad.T if grad.ndim == 2 and grad.T.shape == tuple(shape) else None,
    "not_summed": _summed,
}


def proven_fix(kind: str, student: np.ndarray, shape: tuple, expected: np.ndarray) -> bool:
    """Whether the fix a hint of `kind` proposes turns `student` into `expected` (True for kinds
    that propose no fix)."""
    fix = FIXES.get(kind)
    if fix is None or (kind == "squeezed" and np.size(student) != int(np.prod(shape))):
        return True     # no mechanical fix proposed (a squeezed array broadcast back: "don't squeeze")
    fixed = fix(np.asarray(student, dtype=np.float64), tuple(shape))
    return fixed is not None and fixed.shape == expected.shape and allclose(fixed, expected)


def unproven_shape_hint(grad_name: str, input_name: str, shape: tuple, case,
                        student: np.ndarray | None = None) -> tuple[str, str]:
    """(hint, kind) for a wrong-shaped gradient whose obvious fix would not be right: what is
    certainly true of it, or, where `student` is the matrix product of dout with an input of more
    than two axes left unflattened (x.T @ dout for x of shape (N, d1, d2)), that, proven by
    computing it (kind "not_flattened")."""
    hint = (f"{grad_name} must have {input_name}'s shape {fmt(shape)}, and reshaping, transposing or summing yours "
            "would not give the right values either: compute it from arrays of the shapes the formula needs.")
    flat = [name for name, array in case.arrays.items() if array.ndim > 2]
    if flat and case.exercise.shape_puzzle:
        name = flat[0]
        if student is not None and _is_unflattened_product(np.asarray(student, dtype=np.float64), case.arrays[name],
                                                           case.dout):
            return (f"{grad_name} was computed from {name} of shape {fmt(case.arrays[name].shape)} as it is: the "
                    f"matrix product needs {name} flattened to (N, D) first, {name}.reshape({name}.shape[0], -1) "
                    f"(reshaping {grad_name} afterwards would not give the right values)."), "not_flattened"
        hint += (f" {name} has more than two axes: the matrix products use it flattened to (N, D), "
                 f"{name}.reshape({name}.shape[0], -1).")
    return hint, "wrong_shape"


def _is_unflattened_product(student: np.ndarray, array: np.ndarray, dout) -> bool:
    """`student` is array.T @ dout (or dout.T @ array) with `array` not flattened."""
    if dout is None or dout.ndim != 2:
        return False
    with np.errstate(all="ignore"):
        products = [array.T.dot(dout)] if array.shape[0] == dout.shape[0] else []
        if array.shape[0] == dout.shape[0]:
            products.append(np.tensordot(dout.T, array, axes=1))
    return any(p.shape == student.shape and allclose(student, p) for p in products)
