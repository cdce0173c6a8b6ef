"""Cache reuse: calling a backward twice on the same cache gives the same answer.

It fails when a backward writes into arrays it keeps in the cache (x -= mean, mask *= dout):
the second call then starts from corrupted values.
"""
from __future__ import annotations

import numpy as np

from ..exercises.base import Case
from ..results import PASS, Finding, Status
from .common import (
    Context,
    backward_blocked,
    backward_call,
    first_failure,
    forward_call,
    forward_problem,
    gradients,
)


def check(ctx: Context, cases: list[Case]) -> Finding:
    def check_case(case: Case) -> Finding:
        exercise = case.exercise
        outcomes = ctx.runner.run([forward_call(case, save_as="cache"), backward_call(case, "cache"),
                                   backward_call(case, "cache")])
        blocked = forward_problem(outcomes[0], case)
        if blocked:
            return backward_blocked(ctx, case, blocked)
        first = gradients(outcomes[1], case)
        second = gradients(outcomes[2], case)
        for name, a, b in zip(exercise.gradient_names(), first, second):
            if a.shape != b.shape or not np.allclose(a, b, rtol=1e-12, atol=0, equal_nan=True):
                return Finding(Status.FAILED, f"calling {exercise.backward} twice on the same cache gave a different {name}",
                               "Your backward modifies arrays stored in the cache (e.g. x -= mean, dx[mask] = 0 "
                               "on a cached array): compute new arrays instead of writing into cached ones.")
        return PASS
    return first_failure(cases[:1], check_case)
