"""Why a result has the right shape but wrong values: test the usual mistakes, best match first.

Each candidate is a wrong answer computed from the same inputs (sign flipped, off by N, transposed,
ignoring dout, a known mistake of this exercise); when the student's result matches one, its hint
names the mistake and its id (grader.diagnosis.mistake_ids) goes to the dashboard. Messages quote
shapes and relative errors, never hidden values.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..compare import allclose, norm, relative_error, rtol_for
from ..results import Finding, Status
from .mistake_ids import value_mistake


# Below this relative error a wrong result is nearly right: a special case, not a wrong formula.
SLIGHTLY_OFF = 1e-3


@dataclass(frozen=True)
class Candidate:
    """A wrong answer, what to tell a student whose result equals it, and the mistake's id."""
    value: np.ndarray
    hint: str
    mistake: str | None = None


def measures(student, expected) -> dict:
    """The numbers the dashboard plots: relative error, the least-squares scale fitting the
    student's result to the expected one, and their cosine. Only finite numbers are kept."""
    s = np.asarray(student, dtype=np.float64).ravel()
    e = np.asarray(expected, dtype=np.float64).ravel()
    found = {"relative_error": relative_error(s, e)} if s.shape == e.shape else {}
    if s.shape == e.shape and np.all(np.isfinite(s)) and norm(e) > 0:
        found["scale"] = float(s @ e / (e @ e))
        if norm(s) > 0:
            found["cosine"] = float(s @ e / (norm(s) * norm(e)))
    return {k: float(v) for k, v in found.items() if np.isfinite(v)}


def explain_mismatch(what: str, student: np.ndarray, expected: np.ndarray, *,
                     batch_size: int | None = None, candidates: list[Candidate] = (),
                     nan_hint: str | None = None, nan_mistake: str | None = None,
                     fallback: Callable[[np.ndarray], tuple[str, str | None] | None] | None = None) -> Finding:
    """The failed Finding for a result `what` (e.g. "dx") that differs from `expected`.

    `fallback(student)` is asked last, for a (hint, mistake) when no candidate matched (a
    decomposition of the gradient into its chain-rule paths).
    """
    student = np.asarray(student, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    numbers = measures(student, expected)
    err = relative_error(student, expected)

    def failed(output: str, hint: str | None, mistake: str | None) -> Finding:
        return Finding(Status.FAILED, output, hint, mistake, numbers)

    if not np.all(np.isfinite(student)):
        bad = int(np.size(student) - np.count_nonzero(np.isfinite(student)))
        output = f"{what} contains {bad} NaN or inf value(s)"
        # A declared mistake that is NaN exactly where the student's result is (a log of the wrong,
        # negative, variable) names the cause better than "look for a log of 0".
        for candidate in candidates:
            if same_with_nans(student, candidate.value):
                return failed(output, candidate.hint, candidate.mistake)
        return failed(output, nan_hint or "Look for a division by zero, a log of 0 or of a negative number, a negative "
                                          "number to a fractional power, or exp of a large number.",
                      nan_mistake or value_mistake(what, "not_finite"))
    output = f"{what} is wrong (relative error {err:.2g})"
    if not np.any(student) and np.any(expected):
        # A declared mistake that is zeros too (a sequence's dh0 never set) knows why better.
        for candidate in candidates:
            if candidate.value.shape == student.shape and not np.any(candidate.value):
                return failed(f"{what} is all zeros", candidate.hint, candidate.mistake)
        return failed(f"{what} is all zeros", "Compute the gradient and return it: multiply the local gradient by "
                                              "the upstream gradient dout.", value_mistake(what, "zero"))
    for candidate in [*candidates, *_generic_candidates(what, expected, batch_size)]:
        if candidate.value.shape == student.shape and allclose(student, candidate.value):
            return failed(output, candidate.hint, candidate.mistake)
    if fallback is not None:
        found = fallback(student)
        if found is not None:
            return failed(output, *found)
    scale = _constant_ratio(student, expected)
    if scale is not None:
        return failed(output, f"{what} is {scale:.3g} times the right answer: look for a missing or extra "
                              "constant factor.", value_mistake(what, "scaled"))
    if err < SLIGHTLY_OFF:
        return failed(output, f"{what} is close to right but not equal (relative error {err:.2g}), so the formula is "
                              "nearly right: look at what is special about these inputs (named after the error): a "
                              "size-1 axis or N = 1, a parameter from the dict (eps, momentum) your code replaces "
                              "with its own number, a constant written as a number.",
                      value_mistake(what, "slightly_off"))
    return failed(output, None, None)


def same_values(student: np.ndarray, candidate: np.ndarray) -> bool:
    """The student's result equals the candidate: the same shape, close where the student's is finite,
    and NaN and inf in the same places where it is not."""
    candidate = np.asarray(candidate, dtype=np.float64)
    if candidate.shape != student.shape:
        return False
    return allclose(student, candidate) if np.all(np.isfinite(student)) else same_with_nans(student, candidate)


def same_with_nans(student: np.ndarray, candidate: np.ndarray) -> bool:
    """Equal, with NaN and inf in the same places (and of the same kind)."""
    candidate = np.asarray(candidate, dtype=np.float64)
    if candidate.shape != student.shape:
        return False
    finite = np.isfinite(student)
    if not np.array_equal(finite, np.isfinite(candidate)) or not np.array_equal(np.isnan(student), np.isnan(candidate)):
        return False
    return bool(np.array_equal(student[np.isinf(student)], candidate[np.isinf(candidate)])) \
        and allclose(student[finite], candidate[finite])


def _generic_candidates(what: str, expected: np.ndarray, batch_size: int | None) -> list[Candidate]:
    candidates = [Candidate(-expected, f"{what} has the wrong sign: check for a missing or extra minus.",
                            value_mistake(what, "sign"))]
    if batch_size and batch_size > 1:
        candidates += [
            Candidate(expected * batch_size,
                      f"{what} is {batch_size} times too large (N = {batch_size}): divide by N, averaging over the batch.",
                      value_mistake(what, "not_averaged")),
            Candidate(expected / batch_size,
                      f"{what} is {batch_size} times too small (N = {batch_size}): you divided by N once too often.",
                      value_mistake(what, "averaged_twice")),
        ]
    if expected.ndim == 2 and expected.shape[0] != expected.shape[1] and min(expected.shape) > 1:
        candidates.append(Candidate(expected.T.reshape(expected.shape),
                                    f"{what} holds the transposed matrix, reshaped: reshape does not transpose. "
                                    "Use .T, or reorder the matrix product (x.T @ dout for dw).",
                                    value_mistake(what, "transposed")))
    if expected.ndim == 2 and expected.shape[0] == expected.shape[1] and expected.shape[0] > 1:
        candidates.append(Candidate(expected.T, f"{what} is transposed. With square shapes a transposed matrix "
                                                "product still has the right shape: check the order "
                                                "(x.T @ dout for dw, dout @ w.T for dx).",
                                    value_mistake(what, "transposed")))
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


def localise(what: str, student: np.ndarray, expected: np.ndarray, arrays: dict[str, np.ndarray]) -> str | None:
    """Where a wrong result of the right shape is wrong, when that is one side of an input's sign:
    "dx is right where x > 0 and wrong where x < 0". A fact about the student's result, not a guess
    at its cause, for a result nothing else explains (the branch of their code for the other sign)."""
    rtol = rtol_for(student)
    student, expected = np.asarray(student, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    for name, array in arrays.items():
        if np.shape(array) != student.shape or student.shape != expected.shape:
            continue
        for right, wrong in ((">", "<"), ("<", ">")):
            good = array > 0 if right == ">" else array < 0
            bad = ~good & (array != 0)
            # wrong on most of the other side, as a branch for that sign is: a few wrong entries that happen to
            # lie there (an svm's correct classes, whose scores are mostly high) say nothing about the sign
            off = np.abs(student - expected) > rtol * (np.abs(expected).max(initial=0.0) or 1.0)
            if good.any() and bad.any() and allclose(student[good], expected[good]) \
                    and not allclose(student[bad], expected[bad]) and 2 * off[bad].sum() >= bad.sum():
                return (f"{what} is right where {name} {right} 0 and wrong where {name} {wrong} 0: look at what your "
                        f"code does for {'negative' if wrong == '<' else 'positive'} {name} (a branch, a mask, or a "
                        "formula that only holds on one side).")
    return None
