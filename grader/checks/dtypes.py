"""Dtypes: float64 in, float64 out. A float32 result loses precision that gradient checks need."""
from __future__ import annotations

import numpy as np

from ..exercises.base import Case
from ..results import PASS, Finding, Status
from ..runner.calls import Call
from .common import (
    Context,
    backward_only,
    case_calls,
    first_failure,
    forward_outputs,
    gradients,
    plan_after_forward,
    run_after_forward,
)


def _dtype_finding(what: str, value: np.ndarray, function: str) -> Finding | None:
    if value.dtype == np.float64:
        return None
    hint = ("Keep everything float64: don't cast with np.float32 / astype(np.float32)."
            if value.dtype.kind == "f" else
            "Return floats: an integer or boolean result usually means a mask was returned instead of "
            "mask * dout, or an integer array was created (use np.zeros(shape), not np.zeros(shape, dtype=int)).")
    return Finding(Status.FAILED, f"{function} returned {what} with dtype {value.dtype}, expected float64", hint,
                   "float32" if value.dtype.kind == "f" else "integer_result")


def plan_forward(ctx: Context, cases: list[Case]) -> list[list[Call]]:
    return [case_calls(ctx, case) for case in cases[:1]]


def check_forward(ctx: Context, cases: list[Case]) -> Finding:
    def check_case(case: Case) -> Finding:
        outs = forward_outputs(ctx.run(case_calls(ctx, case))[0], case)
        for out, name in zip(outs, case.exercise.output_names):
            finding = _dtype_finding(name, out, case.exercise.forward)
            if finding:
                return finding
        return PASS
    return first_failure(cases[:1], check_case)


def plan_backward(ctx: Context, cases: list[Case]) -> list[list[Call]]:
    return plan_after_forward(ctx, cases[:1], backward_only)


def check_backward(ctx: Context, cases: list[Case]) -> Finding:
    def check_case(case: Case) -> Finding:
        exercise = case.exercise
        forward, rest = run_after_forward(ctx, case, backward_only)
        grads = gradients((rest or [forward])[0], case)
        function = exercise.backward or exercise.forward
        for name, g in zip(exercise.gradient_names(), grads):
            finding = _dtype_finding(name, g, function)
            if finding:
                return finding
        return PASS
    return first_failure(cases[:1], check_case)
