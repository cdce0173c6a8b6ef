"""Numerical stability: large inputs must give finite, correct results.

softmax with logits around 1e3 (exp overflows unless the row max is subtracted), sigmoid at
+-1e3, batchnorm with a constant feature (zero variance: eps keeps the division finite).
"""
from __future__ import annotations

import numpy as np

from ..exercises.base import Case
from ..results import Finding, Status
from . import forward_values, gradients
from .common import Context, first_failure

_HINTS = {
    "softmax": "Subtract each row's max from the scores before exp (log-sum-exp): the softmax is unchanged "
               "and exp can no longer overflow.",
    "sigmoid": "For large |x| one of exp(x), exp(-x) overflows: use 1 / (1 + exp(-x)) for x >= 0 and "
               "exp(x) / (1 + exp(x)) for x < 0, or np.exp(-np.logaddexp(0, -x)).",
    "batchnorm": "A feature can have zero variance: divide by np.sqrt(var + eps), never by np.sqrt(var).",
}


def extreme_case(case: Case) -> Case:
    """The case with extreme values planted: huge logits, +-1e3, or a constant feature."""
    arrays = {k: v.copy() for k, v in case.arrays.items()}
    name = case.exercise.name
    x = arrays["x"]
    if name == "softmax":
        x += 1000.0
        x[0, :] = np.linspace(-1000.0, 1000.0, x.shape[1])
    elif name == "sigmoid":
        values = np.array([-1000.0, 1000.0, -500.0, 500.0, -40.0, 40.0, 0.5])
        x.flat[: min(x.size, values.size)] = values[: x.size]
    elif name == "batchnorm":
        x[:, 0] = 1.5
    return Case(case.exercise, case.config, arrays, case.extras, case.dout, case.label + " with extreme values",
                case.batch_size)


def _with_hint(finding: Finding, name: str) -> Finding:
    if finding.status is Status.FAILED:
        return Finding(finding.status, f"{finding.output}", _HINTS[name] if "NaN" in finding.output or
                       "inf" in finding.output or finding.hint is None else finding.hint)
    return finding


def check_forward(ctx: Context, cases: list[Case]) -> Finding:
    case = extreme_case(cases[0])
    return _with_hint(first_failure([case], lambda c: forward_values.check_case(ctx, c)), case.exercise.name)


def check_backward(ctx: Context, cases: list[Case]) -> Finding:
    case = extreme_case(cases[0])
    return _with_hint(first_failure([case], lambda c: gradients.check_case(ctx, c)), case.exercise.name)
