"""Conventions at the kinks, tested exactly (numerical gradients stay away from them).

ReLU: relu'(0) is undefined and any value in [0, 1] is a valid subgradient, so at x == 0 any dx
with 0 <= dx / dout <= 1 is accepted (the masks x > 0 and x >= 0 both pass); 2 * dout or -dout is
not. Max: at a tie, any split of dout between a and b that adds up to dout is accepted; giving dout
to both (double counting) is not.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ..diagnosis.mistake_ids import value_mistake
from ..exercises.base import Case
from ..results import PASS, Finding, Status
from ..runner.calls import Call
from .common import (
    Context,
    Failed,
    backward_only,
    gradients,
    plan_after_forward,
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


def plan(ctx: Context, cases: list[Case]) -> list[list[Call]]:
    return plan_after_forward(ctx, [ctx.once(_with_kinks, cases[0])], backward_only)


def check(ctx: Context, cases: list[Case]) -> Finding:
    case = ctx.once(_with_kinks, cases[0])
    exercise = case.exercise
    try:
        _, (backward,) = run_after_forward(ctx, case, backward_only)
        grads = gradients(backward, case)
    except Failed as failed:
        return failed.finding
    if any(g.shape != x.shape for g, x in zip(grads, case.arrays.values())):
        return Finding(Status.FAILED, f"{exercise.backward} returned gradients of the wrong shape (see its gradient check)",
                       mistake=value_mistake(exercise.gradient_names()[0], "wrong_shape"))
    if exercise.name == "relu":
        return _relu(case, grads[0])
    return _max(case, *grads)


def _relu(case: Case, dx: np.ndarray) -> Finding:
    x, dout = case.arrays["x"], case.dout
    at_zero = (x == 0) & (dout != 0)
    ratio = dx[at_zero] / dout[at_zero]
    if not np.all((ratio >= -1e-12) & (ratio <= 1 + 1e-12)):
        return Finding(Status.FAILED, "at x == 0 relu_backward gives a dx outside [0, dout]",
                       "ReLU's gradient at exactly 0 may be anything from 0 to 1 (x > 0 and x >= 0 are both "
                       "fine), so dx there must lie between 0 and dout: not 2 * dout, not -dout.",
                       "relu_kink_out_of_range")
    clear = x != 0
    if not np.allclose(dx[clear], (dout * (x > 0))[clear], rtol=1e-12, atol=1e-15):
        return Finding(Status.FAILED, "relu_backward is wrong when some inputs are exactly 0",
                       "dx = dout where x > 0, and 0 where x < 0: the exact zeros must not change the mask "
                       "elsewhere.", "relu_kink_wrong_elsewhere")
    return PASS


def _max(case: Case, da: np.ndarray, db: np.ndarray) -> Finding:
    a, b, dout = case.arrays["a"], case.arrays["b"], case.dout
    ties = a == b
    total = da + db
    if np.allclose(total[ties], 2 * dout[ties], rtol=1e-9, atol=1e-12) and np.any(ties):
        return Finding(Status.FAILED, "at ties (a == b) max_backward gives dout to both a and b",
                       "At a tie the gradient is counted twice: send dout to one input (a >= b for a, b > a "
                       "for b), or split it, so that da + db == dout.", "max_tie_double_counted")
    if not np.allclose(total[ties], dout[ties], rtol=1e-9, atol=1e-12):
        return Finding(Status.FAILED, "at ties (a == b) da + db does not add up to dout",
                       "At a tie, dout must go somewhere exactly once: da + db == dout.", "max_tie_not_conserved")
    clear = ~ties
    if not (np.allclose(da[clear], (dout * (a > b))[clear]) and np.allclose(db[clear], (dout * (b > a))[clear])):
        return Finding(Status.FAILED, "max_backward is wrong where a and b are not tied",
                       "dout flows to whichever input was larger.", "max_wrong_off_ties")
    return PASS
