"""Numerical stability: large inputs must give finite, correct results.

softmax with logits around 1e3 (exp overflows unless the row max is subtracted), sigmoid at
+-1e3, batchnorm with a constant feature (zero variance: eps keeps the division finite).
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ..diagnosis.mistakes import STABILITY_HINTS
from ..exercises.base import Case
from ..results import Finding, Status
from . import forward_values, gradients
from .common import Context, first_failure


def extreme_case(case: Case) -> Case:
    """The case with extreme values planted: huge logits, +-1e3, or a constant feature."""
    arrays = {k: v.copy() for k, v in case.arrays.items()}
    name = case.exercise.name
    x = arrays["x"]
    if name == "softmax":
        # Logits around 1e3: exp overflows unless the row max is subtracted. (Not spread over
        # thousands: there even the canonical -log(probs[y]) underflows, and that is not a bug.)
        x += 1000.0
    elif name == "sigmoid":
        values = np.array([-1000.0, 1000.0, -500.0, 500.0, -40.0, 40.0, 0.5])
        x.flat[: min(x.size, values.size)] = values[: x.size]
    elif name == "batchnorm":
        x[:, 0] = 1.5
    return dataclasses.replace(case, arrays=arrays, label=case.label + " with extreme values")


def extreme_cases(case: Case) -> list[Case]:
    """Every extreme case the stability checks run; grader.checks.questions asks the oracle about each."""
    return [extreme_case(case)]


def _with_hint(finding: Finding, name: str) -> Finding:
    """Keep a hint that names a specific mistake; otherwise explain the stability fix."""
    if finding.status is not Status.FAILED:
        return finding
    generic = finding.hint is None or "NaN" in finding.output or "inf" in finding.output or "smooth" in finding.output
    return Finding(finding.status, finding.output, STABILITY_HINTS[name] if generic else finding.hint)


def check_forward(ctx: Context, cases: list[Case]) -> Finding:
    case = extreme_case(cases[0])
    return _with_hint(first_failure([case], lambda c: forward_values.check_case(ctx, c)), case.exercise.name)


def check_backward(ctx: Context, cases: list[Case]) -> Finding:
    case = extreme_case(cases[0])
    return _with_hint(first_failure([case], lambda c: gradients.check_case(ctx, c)), case.exercise.name)
