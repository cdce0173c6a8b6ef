"""Conventions at the kinks, tested exactly (numerical gradients stay away from them).

ReLU: the gradient at x == 0 is 0. Max: at a tie, any split of dout between a and b that adds up
to dout is accepted; giving dout to both (double counting) is not.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ..exercises.base import Case
from ..results import PASS, Finding, Status
from .common import (
    Context,
    Failed,
    backward_call,
    gradients,
    run_after_forward,
)


def _with_kinks(case: Case) -> Case:
    """The case with exact zeros (relu) or exact ties (max) planted in every other position."""
    arrays = dict(case.arrays)
    if case.exercise.name == "relu":
        x = arrays["x"].copy()
        x.flat[::2] = 0.0
        arrays["x"] = x
    else:
        a = arrays["a"].copy()
        b = np.broadcast_to(arrays["b"], a.shape).copy() if arrays["b"].shape == a.shape else arrays["b"]
        b.flat[::2] = a.flat[::2]
        arrays["b"] = b
    return dataclasses.replace(case, arrays=arrays)


def check(ctx: Context, cases: list[Case]) -> Finding:
    case = _with_kinks(cases[0])
    exercise = case.exercise
    try:
        _, (backward,) = run_after_forward(ctx, case, [backward_call(case, "cache")])
        grads = gradients(backward, case)
    except Failed as failed:
        return failed.finding
    if any(g.shape != x.shape for g, x in zip(grads, case.arrays.values())):
        return Finding(Status.FAILED, f"{exercise.backward} returned gradients of the wrong shape (see its gradient check)")
    if exercise.name == "relu":
        return _relu(case, grads[0])
    return _max(case, *grads)


def _relu(case: Case, dx: np.ndarray) -> Finding:
    at_zero = case.arrays["x"] == 0
    if not np.all(dx[at_zero] == 0):
        return Finding(Status.FAILED, "relu_backward passes gradient through where x == 0",
                       "ReLU's gradient at exactly 0 is 0 by convention: use the mask x > 0, not x >= 0.")
    expected = case.dout * (case.arrays["x"] > 0)
    if not np.allclose(dx, expected, rtol=1e-12, atol=1e-15):
        return Finding(Status.FAILED, "relu_backward is wrong when some inputs are exactly 0",
                       "dx = dout where x > 0, and 0 elsewhere.")
    return PASS


def _max(case: Case, da: np.ndarray, db: np.ndarray) -> Finding:
    a, b, dout = case.arrays["a"], case.arrays["b"], case.dout
    ties = a == b
    total = da + db
    if np.allclose(total[ties], 2 * dout[ties], rtol=1e-9, atol=1e-12) and np.any(ties):
        return Finding(Status.FAILED, "at ties (a == b) max_backward gives dout to both a and b",
                       "At a tie the gradient is counted twice: send dout to one input (a >= b for a, b > a "
                       "for b), or split it, so that da + db == dout.")
    if not np.allclose(total[ties], dout[ties], rtol=1e-9, atol=1e-12):
        return Finding(Status.FAILED, "at ties (a == b) da + db does not add up to dout",
                       "At a tie, dout must go somewhere exactly once: da + db == dout.")
    clear = ~ties
    if not (np.allclose(da[clear], (dout * (a > b))[clear]) and np.allclose(db[clear], (dout * (b > a))[clear])):
        return Finding(Status.FAILED, "max_backward is wrong where a and b are not tied",
                       "dout flows to whichever input was larger.")
    return PASS
