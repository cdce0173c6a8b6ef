"""Arguments a forward must refuse: what its docstring says raises (bn_param['mode'] other than
'train' or 'test' raises ValueError), declared by the exercise (grader.exercises.base.Rejection).

A forward that quietly treats an unknown mode as test mode hides a typo in the caller's code
('Train', 'eval') behind plausible numbers; one that fails later with an unrelated error
(UnboundLocalError: out) says nothing about the cause.
"""
from __future__ import annotations

import dataclasses

from ..exercises.base import Case
from ..results import PASS, Finding, Status
from ..runner.calls import Call
from .common import Context, forward_call, outcome_finding


def _with(case: Case, extras: dict) -> Case:
    """The case with some of its extras (by name) replaced."""
    names = case.exercise.extras
    return dataclasses.replace(case, extras=tuple(extras.get(name, value) for name, value in zip(names, case.extras)))


def _calls(case: Case) -> list[Call]:
    return [forward_call(_with(case, rejection.replace(case))) for rejection in case.exercise.rejects]


def plan(ctx: Context, cases: list[Case]) -> list[list[Call]]:
    return [ctx.once(_calls, cases[0])]


def check(ctx: Context, cases: list[Case]) -> Finding:
    case = cases[0]
    function = case.exercise.forward
    outcomes = ctx.run(ctx.once(_calls, case))
    for rejection, outcome in zip(case.exercise.rejects, outcomes):
        if outcome.status not in ("ok", "error"):      # not defined, the stub's TODO, a hang, a crash
            return outcome_finding(outcome, function, exercise=case.exercise)
        raised = (outcome.error or {}).get("type") if outcome.status == "error" else None
        if raised == rejection.exception:
            continue
        output = (f"{function} accepted {rejection.what} without raising {rejection.exception}" if raised is None
                  else f"{function} raised {raised} for {rejection.what}, not {rejection.exception}")
        return Finding(Status.FAILED, output, rejection.hint, rejection.mistake)
    return PASS
