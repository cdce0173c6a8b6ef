"""Why a result has the right shape but wrong values: test the usual mistakes, best match first.

Each candidate is a wrong answer computed from the same inputs (sign flipped, off by N, transposed,
ignoring dout, a known mistake of this exercise); when the student's result matches one, its hint
names the mistake. Messages quote shapes and relative errors, never hidden values.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..compare import allclose, relative_error


@dataclass(frozen=True)
class Candidate:
    """A wrong answer and what to tell a student whose result equals it."""
    value: np.ndarray
    hint: str


def explain_mismatch(what: str, student: np.ndarray, expected: np.ndarray, *,
                     batch_size: int | None = None, candidates: list[Candidate] = (),
                     nan_hint: str | None = None) -> tuple[str, str]:
    """(output, hint) for a result `what` (e.g. "dx") that differs from `expected`."""
    student = np.asarray(student, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    err = relative_error(student, expected)
    if not np.all(np.isfinite(student)):
        bad = int(np.size(student) - np.count_nonzero(np.isfinite(student)))
        return (f"{what} contains {bad} NaN or inf value(s)",
                nan_hint or "Look for a division by zero, a log of 0, or exp of a large number.")
    output = f"{what} is wrong (relative error {err:.2g})"
    if not np.any(student) and np.any(expected):
        return f"{what} is all zeros", ("Compute the gradient and return it: multiply the local gradient by the "
                                        "upstream gradient dout.")
    for candidate in [*candidates, *_generic_candidates(what, expected, batch_size)]:
        if candidate.value.shape == student.shape and allclose(student, candidate.value):
            return output, candidate.hint
    scale = _constant_ratio(student, expected)
    if scale is not None:
        return output, f"{what} is {scale:.3g} times the right answer: look for a missing or extra constant factor."
    return output, None


def _generic_candidates(what: str, expected: np.ndarray, batch_size: int | None) -> list[Candidate]:
    candidates = [Candidate(-expected, f"{what} has the wrong sign: check for a missing or extra minus.")]
    if batch_size and batch_size > 1:
        candidates += [
            Candidate(expected * batch_size,
                      f"{what} is {batch_size} times too large (N = {batch_size}): divide by N, averaging over the batch."),
            Candidate(expected / batch_size,
                      f"{what} is {batch_size} times too small (N = {batch_size}): you divided by N once too often."),
        ]
    if expected.ndim == 2 and expected.shape[0] != expected.shape[1] and min(expected.shape) > 1:
        candidates.append(Candidate(expected.T.reshape(expected.shape),
                                    f"{what} holds the transposed matrix, reshaped: reshape does not transpose. "
                                    "Use .T, or reorder the matrix product (x.T @ dout for dw)."))
    if expected.ndim == 2 and expected.shape[0] == expected.shape[1] and expected.shape[0] > 1:
        candidates.append(Candidate(expected.T, f"{what} is transposed. With square shapes a transposed matrix "
                                                "product still has the right shape: check the order "
                                                "(x.T @ dout for dw, dout @ w.T for dx)."))
    return candidates


def _constant_ratio(student: np.ndarray, expected: np.ndarray) -> float | None:
    """c if student == c * expected for one constant c (not 0, not 1), else None."""
    mask = np.abs(expected) > 1e-8 * (np.abs(expected).max(initial=0.0) or 1.0)
    if mask.sum() < 2:
        return None
    ratios = student[mask] / expected[mask]
    c = float(np.median(ratios))
    if not np.isfinite(c) or abs(c) < 1e-12 or abs(c - 1) < 1e-6:
        return None
    return c if allclose(student, c * expected) else None
