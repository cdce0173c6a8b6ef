"""State between calls: a forward that keeps statistics in its parameter dict (batchnorm's running
mean and variance), across the sequence of calls its exercise declares (grader.exercises.base.State:
train, train, test sharing one dict).

The student's forward must create the state (zeros) when absent, update it after each updating
call and write it back into the dict, and use it (not the batch's own statistics) in the other
modes. Run once per declared settings dict (custom eps and momentum, then the defaults).
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ..compare import allclose
from ..exercises.base import Case
from ..results import PASS, Finding, Status
from ..runner.calls import Call, Ref
from .common import Context, Failed, as_array, check_pair, outcome_finding, returned_names
from .mutation import modified


def expected_calls(case: Case, settings: dict, steps: list | None = None) -> list[tuple]:
    """The sequence (the case's, unless its `steps` are given) as the reference oracle is asked
    about it: (arrays, parameter dict) per call."""
    steps = case.exercise.state.sequence(case) if steps is None else steps
    return [(arrays, {"mode": mode, **settings}) for arrays, mode in steps]


def fresh_calls(case: Case, settings: dict) -> list[tuple]:
    """The call in the state's `fresh` mode on a dict without the state, as the reference oracle is
    asked about it (none when the exercise declares no such mode)."""
    state = case.exercise.state
    if state.fresh is None:
        return []
    last_arrays, _ = state.sequence(case)[-1]
    return [(last_arrays, {"mode": state.fresh, **settings})]


def _planned(oracle, case: Case, settings: dict) -> tuple[list, list, dict, list[Call]]:
    """The sequence's steps, the reference's answers for them, the last call's parameter dict, and
    the calls; then the fresh call, if any (its answer last in the answers, its call last in the calls)."""
    exercise = case.exercise
    state, function = exercise.state, exercise.forward
    steps = state.sequence(case)
    expected = oracle.state_sequence(exercise, expected_calls(case, settings, steps))
    (first, mode), *updating = steps[:-1]
    last_arrays, last_mode = steps[-1]
    position = len(exercise.parameters) - 1     # the parameter dict is the last argument (the catalogue checks)
    # The updating calls share one dict, passed back by reference as a training loop does. The
    # last call gets the reference's state, so a wrong update is not blamed twice.
    last_param = {"mode": last_mode, **settings, **{key: expected[-2][1][key] for key in state.keys}}
    calls = [Call(function, (*first, {"mode": mode, **settings}), want=(0,), return_args=True,
                  save_args_as="first_args")]
    calls += [Call(function, (*arrays, Ref("first_args", position)), want=(0,), return_args=True)
              for arrays, _ in updating]
    calls.append(Call(function, (*last_arrays, last_param), want=(0,), return_args=True))
    fresh = fresh_calls(case, settings)
    if fresh:
        expected = expected + oracle.state_sequence(exercise, fresh)
        calls.append(Call(function, (*fresh[0][0], dict(fresh[0][1])), want=(0,), return_args=True))
    return steps, expected, last_param, calls


def plan(ctx: Context, cases: list[Case]) -> list[list[Call]]:
    return [ctx.once(_planned, ctx.oracle, cases[0], settings)[3] for settings in ctx.exercise.state.settings]


def check(ctx: Context, cases: list[Case]) -> Finding:
    for settings in ctx.exercise.state.settings:
        finding = _check_settings(ctx, cases[0], settings)
        if finding.status is Status.FAILED:
            return dataclasses.replace(finding, output=f"{finding.output} ({_settings_note(ctx, settings)})")
        if finding.status is not Status.PASSED:
            return finding
    return PASS


def _settings_note(ctx: Context, settings: dict) -> str:
    """"eps=0.001, momentum=0.7", or "default eps and momentum" for a run without settings."""
    if settings:
        return ", ".join(f"{key}={value}" for key, value in settings.items())
    keys = sorted({key for other in ctx.exercise.state.settings for key in other})
    return f"default {' and '.join(keys)}" if keys else "default settings"


def _check_settings(ctx: Context, case: Case, settings: dict) -> Finding:
    steps, expected, last_param, calls = ctx.once(_planned, ctx.oracle, case, settings)
    outcomes = ctx.runner.run(calls)
    finding = _sequence(case, settings, steps, expected, last_param, outcomes)
    if finding is PASS and len(outcomes) > len(steps):
        return _fresh(case, outcomes[len(steps)], expected[len(steps)], fresh_calls(case, settings)[0])
    return finding


def _sequence(case: Case, settings: dict, steps, expected, last_param, outcomes) -> Finding:
    """The declared sequence's calls: each runs and keeps its inputs, each updating call leaves the
    reference's state, and the last call gives the reference's output."""
    exercise = case.exercise
    state, function = exercise.state, exercise.forward
    for i, (outcome, (ref_out, ref_param)) in enumerate(zip(outcomes[:len(steps)], expected)):
        arrays, mode = steps[i]
        try:
            out = _output(exercise, mode, arrays, outcome)
        except Failed as failed:
            return failed.finding
        if i < len(steps) - 1:
            before = expected[i - 1][1] if i > 0 else {}
            after = (outcome.args_after or [None] * (len(arrays) + 1))[len(arrays)]
            finding = _state_values(state, function, after, ref_param, f"{mode} call {i + 1}", before,
                                    arrays, settings)
            if finding:
                return finding
        elif not (out.shape == ref_out.shape and allclose(out, ref_out)):
            hint, mistake = state.diagnose_output(out, arrays, last_param, ref_out)
            return Finding(Status.FAILED, f"{mode}-mode output is wrong", hint, mistake)
        else:
            finding = _state_kept(state, mode, outcome, last_param, len(arrays))
            if finding:
                return finding
    return PASS


def _fresh(case: Case, outcome, answer: tuple, call: tuple) -> Finding:
    """The fresh-mode call on a dict without the state: it must run, and give the reference's output
    from the state's defaults."""
    exercise = case.exercise
    state = exercise.state
    (arrays, _), (ref_out, _) = call, answer
    where = f"a {state.fresh}-mode call on a {state.param} without {' or '.join(state.keys)}"
    try:
        out = _output(exercise, state.fresh, arrays, outcome)
    except Failed as failed:
        finding = failed.finding
        if outcome.ok:
            return finding
        # a key read without a default is this call's whole point: say which keys and their defaults
        hint = state.fresh_hint if finding.mistake == "missing_key" else finding.hint
        return dataclasses.replace(finding, output=f"{finding.output}\n(on {where})", hint=hint)
    if not (out.shape == ref_out.shape and allclose(out, ref_out)):
        return Finding(Status.FAILED, f"{where}: the output is wrong", state.fresh_hint, state.fresh_mistake)
    return PASS


def _output(exercise, mode: str, arrays: tuple, outcome) -> np.ndarray:
    """The output of one call of the forward in `mode`, which must have run, returned a pair and
    kept its inputs; raises Failed."""
    function = exercise.forward
    finding = outcome_finding(outcome, function, exercise=exercise)
    if finding:
        raise Failed(finding)
    check_pair(outcome, function, returned_names(exercise))
    out = as_array(outcome.value[0], "out", function)
    finding = _inputs_kept(exercise, mode, arrays, outcome)
    if finding:
        raise Failed(finding)
    return out


def _inputs_kept(exercise, mode: str, arrays: tuple, outcome) -> Finding | None:
    """The arrays a call was given come back unchanged, in every mode: the mutation check calls the
    forward in one mode only, and a test-mode branch that normalises x in place (x -= mean) passes it."""
    after = outcome.args_after or []
    for name, before, now in zip(exercise.parameters, arrays, after):
        if modified(before, now):
            return Finding(Status.FAILED, f"a {mode}-mode call of {exercise.forward} modified its input {name} in place",
                           f"Don't write into {name} (out = {name}; out -= mean writes into {name} too, since out is "
                           f"then the same array): build a new array, out = ({name} - mean) / std, or start from "
                           f"{name}.copy().", "input_mutated")
    return None


def _state_kept(state, mode: str, outcome, param: dict, position: int) -> Finding | None:
    """The state a call that only uses it was given must come back unchanged."""
    after = (outcome.args_after or [None] * (position + 1))[position]
    if not isinstance(after, dict):
        return None
    for key in state.keys:
        value = after.get(key)
        if not (isinstance(value, np.ndarray) and value.shape == param[key].shape and allclose(value, param[key])):
            return Finding(Status.FAILED, f"a {mode}-mode call changed {state.param}['{key}']",
                           f"In {mode} mode only read {state.param}['{key}']: update the statistics inside the "
                           "train branch, not before the mode is looked at.", "test_mode_changed_running_stats")
    return None


def _state_values(state, function: str, param_after, ref_param: dict, call: str, before: dict,
                  arrays, settings: dict) -> Finding | None:
    name = state.param
    if not isinstance(param_after, dict):
        return Finding(Status.ERROR, f"{name} is no longer a dict after {function}")
    for key in state.keys:
        value = param_after.get(key)
        if not isinstance(value, np.ndarray):
            # Another array under a name of its own (an older handout's 'running_std'): say which.
            others = [f"'{k}'" for k, v in param_after.items() if k not in state.keys and isinstance(v, np.ndarray)]
            hint = (f"{name} holds {', '.join(others)} but no '{key}', the name the assignment reads: store that "
                    f"statistic as {name}['{key}'] = {key}." if others else
                    f"Store the updated statistics back: {name}['{key}'] = {key}.")
            return Finding(Status.FAILED, f"after {call}, {name} has no {key}", hint, "running_stats_not_stored")
        if value.shape != ref_param[key].shape or not allclose(value, ref_param[key]):
            hint, mistake = state.diagnose_state(key, value, before, arrays, settings, ref_param[key])
            return Finding(Status.FAILED, f"after {call}, {name}['{key}'] is wrong", hint,
                           mistake)
    return None
