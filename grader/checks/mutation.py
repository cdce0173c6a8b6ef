"""Inputs are never modified: a forward must not write into x, a backward not into dout.

Writing in place (x[x < 0] = 0, dout *= mask) corrupts the caller's arrays: the next layer, the
cache, or the optimizer then sees wrong values, a bug that surfaces far from its cause.
"""
from __future__ import annotations

import numpy as np

from ..exercises.base import Case
from ..results import PASS, Finding, Status
from .common import (
    Context,
    backward_call,
    first_failure,
    forward_call,
    outcome_finding,
    run_after_forward,
)


def _modified(before, after) -> bool:
    if not isinstance(before, np.ndarray):
        return False
    if not isinstance(after, np.ndarray) or after.shape != before.shape:
        return True
    return not np.array_equal(before, after, equal_nan=True)


def check_forward(ctx: Context, cases: list[Case]) -> Finding:
    def check_case(case: Case) -> Finding:
        exercise = case.exercise
        [outcome] = ctx.runner.run([forward_call(case, return_args=True)])
        finding = outcome_finding(outcome, exercise.forward)
        if finding:
            return finding
        names = [*case.arrays, *(["y"] if exercise.is_loss else [])]
        originals = case.args()
        for name, before, after in zip(names, originals, outcome.args_after or []):
            if _modified(before, after):
                return Finding(Status.FAILED, f"{exercise.forward} modified its input {name} in place",
                               f"Don't write into {name} (e.g. {name}[mask] = 0 or {name} -= ...): work on a copy "
                               f"or build a new array (np.maximum, np.where, {name} * mask).")
        return PASS
    return first_failure(cases[:1], check_case)


def check_backward(ctx: Context, cases: list[Case]) -> Finding:
    def check_case(case: Case) -> Finding:
        exercise = case.exercise
        _, (backward,) = run_after_forward(ctx, case, [backward_call(case, "cache", return_args=True)])
        finding = outcome_finding(backward, exercise.backward)
        if finding:
            return finding
        after = (backward.args_after or [None])[0]
        if _modified(case.dout, after):
            return Finding(Status.FAILED, f"{exercise.backward} modified dout in place",
                           "dout belongs to the caller: don't write into it (dout[mask] = 0, dout *= ...); "
                           "compute dx = dout * mask, a new array.")
        return PASS
    return first_failure(cases[:1], check_case)
