"""Numerical stability: large or degenerate inputs must give finite, correct results.

Which inputs, and what to tell a student whose result is NaN or inf there, is the exercise's own
(grader.exercises.base.Stability): softmax with logits around 1e3, then also ~1e3 apart within a
row; sigmoid at +-1e3; batchnorm with a constant feature. A failure on the first extreme gets the
exercise's stability hint; on a later one, that extreme's own hint (log-sum-exp after the max
shift).
"""
from __future__ import annotations

import dataclasses

from ..exercises.base import Case, Extreme
from ..results import Finding, Status
from ..runner.calls import Call
from . import forward_values, gradients
from .common import Context, first_failure


def extreme_case(case: Case, extreme: Extreme) -> Case:
    """The case with the extreme's values planted (the upstream gradient stays the case's)."""
    return dataclasses.replace(case, arrays=extreme.plant(case), label=case.label + extreme.label)


def extreme_cases(case: Case) -> list[Case]:
    """Every extreme of the exercise planted in `case`, in declared order.
    grader.checks.questions asks the oracle about each."""
    return [extreme_case(case, extreme) for extreme in case.exercise.stability.extremes]


def _with_hint(finding: Finding, exercise) -> Finding:
    """Keep a hint that names a specific mistake; otherwise explain the stability fix. A NaN or
    inf on these inputs is the exercise's stability mistake."""
    stability = exercise.stability
    own = {extreme.mistake for extreme in stability.extremes[1:]}
    if finding.status is not Status.FAILED or finding.mistake in own:
        return finding
    not_finite = "NaN" in finding.output or "inf" in finding.output or "smooth" in finding.output
    if not_finite or (finding.mistake or "").endswith("_not_finite"):
        return dataclasses.replace(finding, mistake=stability.mistake,
                                   hint=stability.hint if finding.hint is None or not_finite else finding.hint)
    if finding.hint is None:
        # Finite but wrong here: not the overflow the stability mistake is about, so no id; the
        # hint says what is special about these inputs.
        return dataclasses.replace(finding, hint="Your result is finite but wrong on these extreme inputs, which "
                                                 "the other checks do not have; what is usually special about them: "
                                                 + stability.hint)
    return finding


def _later_extreme(ctx: Context, case: Case, extreme: Extreme) -> Finding:
    """An extreme after the first one, reached only when the first passed: a failure here is that
    extreme's own mistake (softmax: the max shift was done, and the log of a probability that
    underflowed to 0 is what is left; its fix is log-sum-exp)."""
    finding = forward_values.check_case(ctx, case)
    if finding.status is Status.FAILED and extreme.explains(finding):
        finding = dataclasses.replace(finding, hint=extreme.hint, mistake=extreme.mistake)
    return finding


def plan_forward(ctx: Context, cases: list[Case]) -> list[list[Call]]:
    return forward_values.plan(ctx, ctx.once(extreme_cases, cases[0]))


def plan_backward(ctx: Context, cases: list[Case]) -> list[list[Call]]:
    return gradients.plan(ctx, ctx.once(extreme_cases, cases[0]))


def check_forward(ctx: Context, cases: list[Case]) -> Finding:
    first, *later = ctx.once(extreme_cases, cases[0])
    finding = _with_hint(first_failure([first], lambda c: forward_values.check_case(ctx, c)), ctx.exercise)
    for case, extreme in zip(later, ctx.exercise.stability.extremes[1:]):
        if not finding.passed:
            break
        finding = first_failure([case], lambda c, e=extreme: _later_extreme(ctx, c, e))
    return finding


def check_backward(ctx: Context, cases: list[Case]) -> Finding:
    """The gradient on each extreme in turn: a failure on the first gets the exercise's stability
    hint, one on a later extreme that extreme's own (when it has one)."""
    extremes = ctx.exercise.stability.extremes
    for position, (case, extreme) in enumerate(zip(ctx.once(extreme_cases, cases[0]), extremes)):
        finding = first_failure([case], lambda c: gradients.check_case(ctx, c))
        if finding.passed:
            continue
        if position == 0:
            return _with_hint(finding, ctx.exercise)
        # Judged against a wrong forward's own numerical gradient (whose finite differences are
        # noise at these magnitudes), the failure is the forward's: its checks name the cause.
        if finding.status is Status.FAILED and extreme.explains(finding) \
                and finding.mistake != "gradient_wrong_for_own_forward":
            return dataclasses.replace(finding, hint=extreme.hint, mistake=extreme.mistake)
        return finding
    return finding
