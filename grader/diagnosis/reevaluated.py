"""Wrong gradients any exercise can have, computed from the case itself: the reference's answer at the
wrong point, or with one factor left out.

Declared mistakes name what an exercise's students get wrong; each new set of students finds
mistakes no declaration had. Many are one of a few kinds that need no knowledge of the exercise:
the local gradient evaluated at the output instead of the input (exp(out), sigmoid(out)), the
inputs swapped in the formula, the local gradient of the first example used for every example, a
factor equal to an input or to the output left out, a square matrix used where its transpose
belongs, dout passed through unchanged. Each is computed here from the case's own arrays, its
output and the reference's gradients (the reference re-run on altered inputs), and shown only when
the student's result equals it: a match is the proof. Nothing here branches on an exercise.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ..compare import allclose
from .mistake_ids import value_mistake
from .values import Candidate, same_values


def reevaluated_candidates(case, oracle, index: int, grad_name: str, expected: np.ndarray) -> list[Candidate]:
    """The generic wrong answers for gradient `index` (named `grad_name`) on `case`; `oracle`
    re-runs the reference on altered inputs (an oracle of recorded answers cannot: then only the
    ones needing no re-run)."""
    names = list(case.arrays)
    own = names[index]
    found: list[Candidate] = []

    def add(value, hint: str, kind: str | None, mistake: str | None = None) -> None:
        _add(found, value, expected, hint, mistake or value_mistake(grad_name, kind))

    out = _output(oracle, case)
    if out is not None and out.shape == expected.shape and np.all(np.abs(out) > 1e-12):
        with np.errstate(all="ignore"):
            add(expected / out, f"{grad_name} lacks a factor equal to the forward's output: the derivative "
                                "of this function contains the output itself (e.g. d(a ** b)/db = a ** b * log(a)).",
                "missing_output_factor")
    for other in names:
        matrix = case.arrays[other]
        if matrix.ndim == 2 and matrix.shape[0] == matrix.shape[1] > 1:
            add(_untransposed(expected, matrix),
                f"{grad_name} multiplies by {other} where {other}.T belongs (or the reverse): {other} is square, "
                "so the shape is right either way. Check the order of the matrix product "
                f"(dout @ {other}.T for the gradient of x @ {other}).", "untransposed_factor")
    if oracle is not None and not getattr(oracle, "public_only", True) and not case.exercise.outputs:
        found += _rerun_candidates(case, oracle, index, grad_name, expected, out)
    # dout passed through is also what some of the above give on some cases (a first row whose mask
    # is all true): there the cause is ambiguous, and only the fact, "dx is dout unchanged", is said.
    dout = case.douts[0] if len(case.douts) == 1 else None
    if dout is not None and dout.shape == expected.shape and not case.exercise.is_loss:
        found = [c for c in found if not (np.all(np.isfinite(c.value)) and allclose(c.value, dout))]
        add(dout, f"{grad_name} is dout unchanged: the local gradient is missing (or a mask that lets "
                  f"everything through): multiply dout by the derivative of the output with respect to {own}.",
            None, "missing_local_gradient")
    return found


def forward_candidates(case, what: str, expected: np.ndarray) -> list[Candidate]:
    """Generic wrong forward outputs: the right output without the term, or without the factor, of
    one input that broadcasts to it (a bias or beta left out; a scale gamma left out); a single number
    (a loss) divided or multiplied by the size of an input's axis other than the batch."""
    found: list[Candidate] = [] if expected.size != 1 else _scaled_by_a_size(case, what, expected)
    for name, array in case.arrays.items():
        array = np.asarray(array, dtype=np.float64)
        if not _broadcasts_to(array.shape, expected.shape):
            continue
        _add(found, expected - array, expected, f"{what} lacks the term {name}: add {name} (broadcast over the "
             "batch), as the formula says.", value_mistake(what, "missing_input_term"))
        if np.all(np.abs(array) > 1e-12):
            _add(found, expected / array, expected, f"{what} lacks the factor {name}: multiply by {name} (broadcast "
                 "over the batch), as the formula says.", value_mistake(what, "missing_input_factor"))
    return found


def _scaled_by_a_size(case, what: str, expected: np.ndarray) -> list[Candidate]:
    """A single number off by the size of an axis: the loss averaged over the classes too
    (np.mean over the (N, C) margins divides by N * C), or summed where a mean over them was meant.
    A constant factor cannot be seen in one number, but a factor equal to a size of the input is the
    proof. The batch size is left to the generic candidates (not_averaged, averaged_twice)."""
    sizes: dict[int, str] = {}
    for name, array in case.arrays.items():
        for axis, size in enumerate(np.shape(array)):
            if size > 1 and size != case.batch_size and np.ndim(array) > 1:
                sizes.setdefault(size, f"{name}'s axis {axis}")
    found: list[Candidate] = []
    for size, where in sizes.items():
        _add(found, expected / size, expected,
             f"{what} is {size} times too small, and {size} is the size of {where}: it is divided by that size as "
             "well as by the batch size (a mean over the whole array divides by every size). Sum over that axis "
             "and divide by N only.", value_mistake(what, "scaled"))
        _add(found, expected * size, expected,
             f"{what} is {size} times too large, and {size} is the size of {where}: divide by that size too, or "
             "look for a sum over that axis where one term per row was meant.", value_mistake(what, "scaled"))
    return found


def _broadcasts_to(shape: tuple, target: tuple) -> bool:
    try:
        return np.broadcast_shapes(shape, target) == tuple(target)
    except ValueError:
        return False


def _rerun_candidates(case, oracle, index: int, grad_name: str, expected: np.ndarray,
                      out: np.ndarray | None) -> list[Candidate]:
    """The candidates that re-run the reference on altered inputs (same dout): the local gradient
    at the output, at swapped inputs, with one input in place of another, at the first row, with
    another input set to ones."""
    names = list(case.arrays)
    own = names[index]
    found: list[Candidate] = []

    def add(value, hint: str, kind: str) -> None:
        _add(found, value, expected, hint, value_mistake(grad_name, kind))

    if out is not None and len(names) == 1 and out.shape == case.arrays[own].shape:
        add(_backward(oracle, case, {own: out}, index),
            f"{grad_name} uses the local gradient evaluated at the output instead of at {own}: the cache "
            f"holds the output, and the derivative was applied to it again (e.g. exp(out) for exp(x)); "
            f"evaluate the derivative at {own}, or write it in terms of the output.", "at_output")
    for other in names:
        if other != own and case.arrays[other].shape == case.arrays[own].shape:
            add(_backward(oracle, case, {own: case.arrays[other], other: case.arrays[own]}, index),
                f"{grad_name} is the right formula with {own} and {other} swapped: check which input goes "
                "where in the derivative.", "inputs_swapped")
    for other in names:
        for source in names:
            if own not in (other, source) and source != other \
                    and case.arrays[source].shape == case.arrays[other].shape:
                add(_backward(oracle, case, {other: case.arrays[source]}, index),
                    f"{grad_name} is right with {source} in place of {other}: check where {other} comes from (a "
                    "cache unpacked in another order than it was packed gives one input another's name).",
                    "input_for_other")
    for other in names:
        array = case.arrays[other]
        if array.ndim >= 2 and array.shape[0] > 1:
            first = np.broadcast_to(array[:1], array.shape).copy()
            add(_backward(oracle, case, {other: first}, index),
                f"{grad_name} is right for the first example only: the local gradient was computed from "
                f"{other}[0] and used for every row. Compute it from all of {other}.", "first_row_only")
    for other in names:
        if other != own:
            add(_backward(oracle, case, {other: np.ones_like(case.arrays[other])}, index),
                f"{grad_name} lacks the factor {other}: the gradient flowing back through the product with "
                f"{other} must be multiplied by {other} (e.g. dout * {other} before the other steps).",
                "missing_input_factor")
    return found


def first_match(student: np.ndarray, candidates: list[Candidate]) -> Candidate | None:
    """The first candidate the student's result equals (NaN and inf in the same places too)."""
    student = np.asarray(student, dtype=np.float64)
    return next((candidate for candidate in candidates if same_values(student, candidate.value)), None)


def _add(found: list[Candidate], value, expected: np.ndarray, hint: str, mistake: str | None) -> None:
    """Append a candidate of the expected shape, unless it is the right answer on this case (then
    it proves nothing)."""
    if value is None:
        return
    value = np.asarray(value, dtype=np.float64)
    if value.shape == expected.shape and not (np.all(np.isfinite(value)) and allclose(value, expected)):
        found.append(Candidate(value, hint, mistake))


def _output(oracle, case) -> np.ndarray | None:
    try:
        out = oracle.forward(case) if oracle is not None else None
    except Exception:       # an oracle of recorded answers that does not hold this case
        return None
    return np.asarray(out, dtype=np.float64) if isinstance(out, np.ndarray) else None


def _backward(oracle, case, replace: dict[str, np.ndarray], index: int) -> np.ndarray | None:
    """The reference's gradient `index` on the case with some inputs replaced (same dout)."""
    altered = dataclasses.replace(case, arrays={**case.arrays, **replace})
    try:
        with np.errstate(all="ignore"):
            return oracle.backward(altered, dout=case.dout)[index]
    except Exception:       # the reference cannot run on these inputs: no such candidate
        return None


def _untransposed(expected: np.ndarray, matrix: np.ndarray) -> np.ndarray | None:
    """For expected == G @ M.T, the student's G @ M (and for M.T @ G, M @ G), from `expected` alone."""
    if expected.ndim != 2 or np.linalg.cond(matrix) > 1e6:
        return None
    n = matrix.shape[0]
    if expected.shape[1] == n:
        return expected @ np.linalg.solve(matrix.T, matrix)        # G @ M.T @ inv(M.T) @ M
    if expected.shape[0] == n:
        return matrix @ np.linalg.solve(matrix.T, expected)        # M @ inv(M.T) @ M.T @ G
    return None
