"""Numeric comparisons, NaN-safe: every test is written `err <= tol`, which is False for NaN."""
from __future__ import annotations

import math

import numpy as np

# Relative tolerance by the dtype the student returned. A float32 result is already penalised by
# the dtype check; the value checks then judge it at float32 precision (one bug, one penalty).
# Every other dtype (float16, integers) is judged as float64 is: a looser tolerance for them would
# let a wrong answer pass by rounding it to a coarser dtype, for the price of one dtype check.
_FLOAT64_RTOL = 1e-6
_FLOAT32_RTOL = 1e-4


def rtol_for(array: np.ndarray) -> float:
    return _FLOAT32_RTOL if np.asarray(array).dtype == np.float32 else _FLOAT64_RTOL


def norm(array) -> float:
    """The 2-norm of all elements, as np.linalg.norm computes it for a 1-d float array (the square
    root of the dot product with itself), without its per-call overhead: checks call this
    thousands of times a grade."""
    flat = np.asarray(array, dtype=np.float64).ravel()
    return math.sqrt(flat.dot(flat))


def relative_error(student, expected) -> float:
    """||s - e|| / ||e||, NaN when s has NaN, inf when e is 0 but s is not."""
    s = np.asarray(student, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    diff = norm(s - e)
    scale = norm(e)
    if scale == 0.0:
        return 0.0 if diff == 0.0 else (diff if np.isnan(diff) else float("inf"))
    return diff / scale


def allclose(student, expected, rtol: float | None = None) -> bool:
    """Same shape and ||s - e|| <= rtol * ||e|| + a tiny absolute floor; False on any NaN, and where e
    is inf, True only if s is the same inf there."""
    s = np.asarray(student)
    e = np.asarray(expected, dtype=np.float64)
    if s.shape != e.shape:
        return False
    if rtol is None:
        rtol = rtol_for(s)
    finite = np.isfinite(e)
    if not finite.all():
        # An inf in e makes the bound below inf, and any finite s would be "close" to it (a declared
        # mistake that is inf on an extreme case named every finite wrong loss). Non-finite entries
        # must be the same inf in s; the finite ones are compared as usual.
        s64 = s.astype(np.float64)
        if not np.array_equal(s64[~finite], e[~finite]):
            return False
        s, e = s64[finite], e[finite]
    floor = 1e-9 * np.sqrt(max(e.size, 1))
    err = norm(s.astype(np.float64) - e)
    return bool(err <= rtol * norm(e) + floor)


def is_numeric_array(value) -> bool:
    return isinstance(value, np.ndarray) and value.dtype.kind in "biuf"
