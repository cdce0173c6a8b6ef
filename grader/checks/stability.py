"""Numerical stability: large inputs must give finite, correct results.

softmax with logits around 1e3 and spread ~1e3 apart within a row (exp overflows unless the row
max is subtracted; log(probs) is -inf where a probability underflows, unless the log-probabilities
come from log-sum-exp), sigmoid at +-1e3, batchnorm with a constant feature (zero variance: eps
keeps the division finite).
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ..diagnosis.mistakes import LOG_SUM_EXP_HINT, STABILITY_HINTS, STABILITY_MISTAKES
from ..exercises.base import Case
from ..results import Finding, Status
from ..runner.calls import Call
from . import forward_values, gradients
from .common import Context, first_failure


def extreme_case(case: Case, spread: bool = False) -> Case:
    """The case with extreme values planted: huge logits, +-1e3, or a constant feature.
    `spread` (softmax): the scores of a row also lie ~1e3 apart."""
    arrays = {k: v.copy() for k, v in case.arrays.items()}
    name = case.exercise.name
    x = arrays["x"]
    if name == "softmax":
        # Logits around 1e3: exp overflows unless the row max is subtracted. Spread: in every other
        # row the correct class scores 1e3 below the rest, so its probability underflows to 0 and
        # log(probs) is -inf there, while log-sum-exp gives the finite loss (about 1e3 for that row).
        x += 1000.0
        if spread:
            rows = np.arange(0, x.shape[0], 2)
            x[rows, case.extras[0][rows]] -= 1000.0
            return dataclasses.replace(case, arrays=arrays, label=case.label + " with scores 1e3 apart")
    elif name == "sigmoid":
        values = np.array([-1000.0, 1000.0, -500.0, 500.0, -40.0, 40.0, 0.5])
        x.flat[: min(x.size, values.size)] = values[: x.size]
    elif name == "batchnorm":
        x[:, 0] = 1.5
    return dataclasses.replace(case, arrays=arrays, label=case.label + " with extreme values")


def _with_hint(finding: Finding, name: str) -> Finding:
    """Keep a hint that names a specific mistake; otherwise explain the stability fix. A NaN or
    inf on these inputs is the exercise's stability mistake."""
    if finding.status is not Status.FAILED or finding.mistake == "softmax_log_underflow":
        return finding
    generic = finding.hint is None or "NaN" in finding.output or "inf" in finding.output or "smooth" in finding.output
    if finding.mistake is None or finding.mistake.endswith("_not_finite"):
        finding = dataclasses.replace(finding, mistake=STABILITY_MISTAKES[name])
    return dataclasses.replace(finding, hint=STABILITY_HINTS[name] if generic else finding.hint)


def extreme_cases(case: Case) -> list[Case]:
    """Large logits first (overflow), then large and spread (the log of an underflowed p).
    grader.checks.questions asks the oracle about each."""
    return [extreme_case(case)] + ([extreme_case(case, spread=True)] if case.exercise.name == "softmax" else [])


def _spread_case(ctx: Context, case: Case) -> Finding:
    """Logits that passed the overflow case but not this one: the max shift was done, and the
    log of a probability that underflowed to 0 is what is left. Its fix is log-sum-exp."""
    finding = forward_values.check_case(ctx, case)
    if finding.status is Status.FAILED:
        finding = dataclasses.replace(finding, hint=LOG_SUM_EXP_HINT, mistake="softmax_log_underflow")
    return finding


def plan_forward(ctx: Context, cases: list[Case]) -> list[list[Call]]:
    return forward_values.plan(ctx, ctx.once(extreme_cases, cases[0]))


def plan_backward(ctx: Context, cases: list[Case]) -> list[list[Call]]:
    return gradients.plan(ctx, ctx.once(extreme_cases, cases[0]))


def check_forward(ctx: Context, cases: list[Case]) -> Finding:
    plain, *spread = ctx.once(extreme_cases, cases[0])
    finding = _with_hint(first_failure([plain], lambda c: forward_values.check_case(ctx, c)), plain.exercise.name)
    if finding.passed and spread:
        finding = first_failure(spread, lambda c: _spread_case(ctx, c))
    return finding


def check_backward(ctx: Context, cases: list[Case]) -> Finding:
    extreme = ctx.once(extreme_cases, cases[0])
    return _with_hint(first_failure(extreme, lambda c: gradients.check_case(ctx, c)), cases[0].exercise.name)
