"""Cache reuse: calling a backward twice on the same cache gives the same answer.

It fails when a backward writes into arrays it keeps in the cache (x -= mean, mask *= dout):
the second call then starts from corrupted values.
"""
from __future__ import annotations

import numpy as np

from ..exercises.base import Case
from ..results import PASS, Finding, Status
from ..runner.calls import Call
from .common import (
    Context,
    Failed,
    backward_call,
    first_failure,
    gradients,
    plan_after_forward,
    run_after_forward,
)


def _backward_twice(case: Case) -> list[Call]:
    return [backward_call(case, "cache"), backward_call(case, "cache")]


def plan(ctx: Context, cases: list[Case]) -> list[list[Call]]:
    return plan_after_forward(ctx, cases[:1], _backward_twice)


def check(ctx: Context, cases: list[Case]) -> Finding:
    def check_case(case: Case) -> Finding:
        exercise = case.exercise
        _, (once, twice) = run_after_forward(ctx, case, _backward_twice)
        first = gradients(once, case)
        try:
            second = gradients(twice, case)
        except Failed as failed:
            raise Failed(_second_call_raised(failed.finding, exercise.backward)) from None
        for name, a, b in zip(exercise.gradient_names(), first, second):
            if a.shape != b.shape or not np.allclose(a, b, rtol=1e-12, atol=0, equal_nan=True):
                return Finding(Status.FAILED, f"calling {exercise.backward} twice on the same cache gave a different {name}",
                               "Your backward modifies arrays stored in the cache (e.g. x -= mean, dx[mask] = 0 "
                               "on a cached array): compute new arrays instead of writing into cached ones.",
                               "cache_mutated")
        return PASS
    return first_failure(cases[:1], check_case)


def _second_call_raised(finding: Finding, backward: str) -> Finding:
    """The first call on this cache returned and the second raised: the first changed the cache. Named
    so where nothing more specific is known (an exercise's own reading of the exception comes first)."""
    if finding.status is not Status.ERROR or finding.mistake != "exception":
        return finding
    return Finding(finding.status, f"the first call of {backward} on this cache returned; the second call on the same "
                                   f"cache then {finding.output.split(' ', 1)[1]}",
                   "Your backward changes its cache, so it fails when called on it again (a pop() from a cache list, "
                   "or a cached value overwritten): read the cache and leave it as the forward made it.",
                   "cache_mutated", finding.measures)
