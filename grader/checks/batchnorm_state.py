"""Batchnorm state: running statistics across a train, train, test sequence sharing one bn_param.

The student's batchnorm_forward must create running_mean / running_var (zeros) when absent, update
them with momentum after each train call and write them back into bn_param, and normalise with
them (not the batch's statistics) in test mode. Run once with custom eps and momentum, once with
the defaults.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ..compare import allclose
from ..diagnosis.batchnorm_state import running_mistake, test_mode_mistake
from ..exercises.base import Case
from ..results import PASS, Finding, Status
from ..runner.calls import Call, Ref
from .common import Context, Failed, as_array, check_pair, outcome_finding

SETTINGS = [{"eps": 1e-3, "momentum": 0.7}, {}]


def _sequence(case: Case) -> list[tuple]:
    """Three calls: two train batches, then a test batch, drawn from the case's inputs."""
    x, gamma, beta = case.arrays["x"], case.arrays["gamma"], case.arrays["beta"]
    second = x[::-1] * 1.7 + 0.3
    third = x * 0.5 - 1.0
    return [(x, gamma, beta, "train"), (second, gamma, beta, "train"), (third, gamma, beta, "test")]


def expected_calls(case: Case, settings: dict) -> list[tuple]:
    """The sequence as the reference oracle is asked about it."""
    return [(x, g, b, {"mode": m, **settings}) for x, g, b, m in _sequence(case)]


def _planned(oracle, case: Case, settings: dict) -> tuple[list, dict, list[Call]]:
    """The reference's answers for the sequence, the test call's bn_param, and the calls."""
    function = case.exercise.forward
    expected = oracle.batchnorm_sequence(case.exercise, expected_calls(case, settings))
    (x1, gamma, beta, _), (x2, *_), (x3, *_) = _sequence(case)
    # The two train calls share one bn_param dict, passed back by reference as a training loop does.
    # The test call gets the reference's running statistics, so a wrong update is not blamed twice.
    test_param = {"mode": "test", **settings, "running_mean": expected[1][1]["running_mean"],
                  "running_var": expected[1][1]["running_var"]}
    calls = [
        Call(function, (x1, gamma, beta, {"mode": "train", **settings}), want=(0,), return_args=True,
             save_args_as="first_args"),
        Call(function, (x2, gamma, beta, Ref("first_args", 3)), want=(0,), return_args=True),
        Call(function, (x3, gamma, beta, test_param), want=(0,)),
    ]
    return expected, test_param, calls


def plan(ctx: Context, cases: list[Case]) -> list[list[Call]]:
    return [ctx.once(_planned, ctx.oracle, cases[0], settings)[2] for settings in SETTINGS]


def check(ctx: Context, cases: list[Case]) -> Finding:
    for settings in SETTINGS:
        finding = _check_settings(ctx, cases[0], settings)
        if finding.status is Status.FAILED:
            note = f" (eps={settings['eps']}, momentum={settings['momentum']})" if settings else " (default eps and momentum)"
            return dataclasses.replace(finding, output=finding.output + note)
        if finding.status is not Status.PASSED:
            return finding
    return PASS


def _check_settings(ctx: Context, case: Case, settings: dict) -> Finding:
    function = case.exercise.forward
    steps = _sequence(case)
    x3, gamma, beta, _ = steps[2]
    expected, test_param, calls = ctx.once(_planned, ctx.oracle, case, settings)
    outcomes = ctx.runner.run(calls)
    for i, (outcome, (ref_out, ref_param)) in enumerate(zip(outcomes, expected)):
        finding = outcome_finding(outcome, function)
        if finding:
            return finding
        try:
            check_pair(outcome, function, "(out, cache)")
            out = as_array(outcome.value[0], "out", function)
        except Failed as failed:
            return failed.finding
        if i < 2:
            before = expected[0][1] if i == 1 else {}
            finding = _running_stats((outcome.args_after or [None] * 4)[3], ref_param, i + 1, before,
                                     steps[i][0], settings)
            if finding:
                return finding
        elif not (out.shape == ref_out.shape and allclose(out, ref_out)):
            hint, mistake = test_mode_mistake(out, x3, gamma, beta, test_param, ref_out)
            return Finding(Status.FAILED, "test-mode output is wrong", hint, mistake)
    return PASS


def _running_stats(bn_after, ref_param: dict, call_number: int, before: dict, x: np.ndarray,
                   settings: dict) -> Finding | None:
    if not isinstance(bn_after, dict):
        return Finding(Status.ERROR, "bn_param is no longer a dict after batchnorm_forward")
    for key in ("running_mean", "running_var"):
        value = bn_after.get(key)
        if not isinstance(value, np.ndarray):
            return Finding(Status.FAILED, f"after train call {call_number}, bn_param has no {key}",
                           f"Store the updated statistics back: bn_param['{key}'] = {key}.",
                           "running_stats_not_stored")
        if value.shape != ref_param[key].shape or not allclose(value, ref_param[key]):
            hint, mistake = running_mistake(key, value, before, x, settings, ref_param[key])
            return Finding(Status.FAILED, f"after train call {call_number}, bn_param['{key}'] is wrong", hint,
                           mistake)
    return None
