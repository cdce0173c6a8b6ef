"""What every check needs: calling the student's functions and reading what came back.

A check builds Calls, runs them in one batch through the runner, and turns Outcomes into
Findings. Everything a student function can do wrong before any value is compared (raise, be
missing, time out, return None or the wrong number of values) is handled here, once.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..compare import is_numeric_array
from ..exercises.base import Case, Exercise
from ..oracle import Oracle
from ..results import Finding, Status
from ..runner.calls import Call, Outcome, Ref, Runner


@dataclass
class Context:
    runner: Runner
    oracle: Oracle
    exercise: Exercise


class Failed(Exception):
    """Raised inside a check to stop at the first finding; carries it."""

    def __init__(self, finding: Finding):
        super().__init__(finding.output)
        self.finding = finding


# What usually causes an exception in an exercise whose shapes are its own kind of hard.
EXERCISE_ERROR_HINTS = {
    "sum": "axis may be None, an int, a negative int or a tuple: normalise it first "
           "(e.g. tuple(a % x.ndim for a in axes)), then put the summed axes back with np.expand_dims "
           "(unless keepdims) before broadcasting dout to x's shape.",
}


def outcome_finding(outcome: Outcome, function: str) -> Finding | None:
    """The finding for a call that did not return normally, or None if it did."""
    if outcome.ok:
        return None
    error = outcome.error or {}
    if outcome.status == "missing":
        return Finding(Status.MISSING, f"{function} is not defined", f"Define {function} in your file.")
    if outcome.status == "not_implemented":
        return Finding(Status.MISSING, f"{function} is not implemented (it raises NotImplementedError)",
                       f"Replace the TODO in {function} with your implementation.")
    if outcome.status == "timeout":
        return Finding(Status.TIMEOUT, outcome.detail or f"{function} took too long",
                       "Look for an infinite loop, or a loop over elements that could be vectorised.")
    if outcome.status == "error":
        trace = error.get("traceback") or error.get("message") or "an exception"
        hint = _error_hint(error)
        exercise = function.rsplit("_", 1)[0]
        if exercise in EXERCISE_ERROR_HINTS and error.get("type") in ("ValueError", "TypeError", "IndexError", "AxisError"):
            hint = EXERCISE_ERROR_HINTS[exercise]
        return Finding(Status.ERROR, f"{function} raised an exception:\n{trace}", hint)
    if outcome.status == "crashed":
        return Finding(Status.ERROR, outcome.detail, "Don't call exit() or os._exit(); return your results.")
    if outcome.status == "skipped":
        return Finding(Status.SKIPPED, outcome.detail or f"{function} was not run: a call it needed failed")
    return Finding(Status.ERROR, outcome.detail or f"{function} returned something the grader cannot read",
                   "Return numpy arrays of floats (or tuples of them), nothing else.")


def _error_hint(error: dict) -> str | None:
    kind, message = error.get("type", ""), error.get("message", "")
    if kind == "ValueError" and ("shapes" in message or "broadcast" in message or "aligned" in message):
        return "Shapes don't line up: print the shapes of your arrays and check each product and sum."
    if kind == "ModuleNotFoundError" and "numpy" not in message:
        return ("Only your submitted file is available while grading: put everything in that one file, or "
                "submit a zip with all of your files.")
    if "MemoryError" in kind or "out of memory" in message:
        return "Your code ran out of memory: avoid building huge intermediate arrays."
    if kind == "KeyError":
        return "A key you read is not there: bn_param may lack optional keys (use bn_param.get(key, default))."
    return None


def as_array(value, what: str, function: str) -> np.ndarray:
    """A numeric ndarray from a returned value (numpy scalars and Python numbers allowed)."""
    if isinstance(value, (bool, int, float)) and not isinstance(value, bool):
        return np.asarray(value, dtype=np.float64)
    if isinstance(value, np.generic):
        value = np.asarray(value)
    if is_numeric_array(value):
        return value
    if value is None:
        raise Failed(Finding(Status.FAILED, f"{function} returned None for {what}",
                             f"Compute {what} and return it."))
    kind = getattr(value, "type_name", None) or type(value).__name__
    if isinstance(value, np.ndarray):
        kind = f"numpy array of dtype {value.dtype}"
    raise Failed(Finding(Status.ERROR, f"{function} returned an object of type {kind} for {what}, "
                                       "expected a numpy array", "Return plain numpy arrays of floats."))


def check_pair(outcome: Outcome, function: str, names: str) -> None:
    """A function that must return a tuple of two, e.g. (out, cache)."""
    outline = outcome.outline
    if outline.get("type") in ("tuple", "list") and outline.get("len") == 2:
        return
    got = "None" if outline.get("type") == "NoneType" else (
        f"a {outline.get('type')} of {outline.get('len')} values" if "len" in outline else f"a {outline.get('type')}")
    raise Failed(Finding(Status.FAILED, f"{function} must return {names}; it returned {got}",
                         f"End {function} with `return {names.strip('()')}`."))


def forward_call(case: Case, save_as: str | None = None, *, return_args: bool = False, **replace) -> Call:
    """Call the student's forward on the case's inputs: keep the cache, bring back the output."""
    exercise = case.exercise
    want = (0, 1) if exercise.is_loss else (0,)
    return Call(exercise.forward, case.args(**replace), save_as=save_as, want=want, return_args=return_args)


def backward_call(case: Case, cache_name: str, *, return_args: bool = False) -> Call:
    return Call(case.exercise.backward, (case.dout.copy(), Ref(cache_name, 1)), return_args=return_args)


def forward_output(outcome: Outcome, case: Case) -> np.ndarray:
    """The forward's output (for a loss: the loss) after the usual validation; raises Failed."""
    exercise = case.exercise
    finding = outcome_finding(outcome, exercise.forward)
    if finding:
        raise Failed(finding)
    names = "(loss, dx)" if exercise.is_loss else "(out, cache)"
    check_pair(outcome, exercise.forward, names)
    return as_array(outcome.value[0], "loss" if exercise.is_loss else "out", exercise.forward)


def gradients(outcome: Outcome, case: Case) -> tuple[np.ndarray, ...]:
    """The student's gradients, one per array input, after validation; raises Failed."""
    exercise = case.exercise
    names = exercise.gradient_names()
    if exercise.is_loss:
        finding = outcome_finding(outcome, exercise.forward)
        if finding:
            raise Failed(finding)
        check_pair(outcome, exercise.forward, "(loss, dx)")
        return (as_array(outcome.value[1], "dx", exercise.forward),)
    function = exercise.backward
    finding = outcome_finding(outcome, function)
    if finding:
        raise Failed(finding)
    value = outcome.value
    if len(names) == 1:
        if isinstance(value, tuple) and len(value) == 1:
            value = value[0]
        return (as_array(value, names[0], function),)
    expected = "(" + ", ".join(names) + ")"
    if value is None:
        raise Failed(Finding(Status.FAILED, f"{function} returned None",
                             f"Did you forget the return statement? End {function} with "
                             f"`return {expected.strip('()')}`."))
    if not isinstance(value, (tuple, list)) or len(value) != len(names):
        got = f"{len(value)} values" if isinstance(value, (tuple, list)) else "one value"
        raise Failed(Finding(Status.FAILED, f"{function} must return {expected}; it returned {got}",
                             f"End {function} with `return {expected.strip('()')}`."))
    return tuple(as_array(v, n, function) for v, n in zip(value, names))


def forward_problem(outcome: Outcome, case: Case) -> Finding | None:
    """Why a backward cannot be run from this forward call (it failed, or gave no cache), or None."""
    exercise = case.exercise
    finding = outcome_finding(outcome, exercise.forward)
    if finding is None and not exercise.is_loss:
        try:
            check_pair(outcome, exercise.forward, "(out, cache)")
        except Failed as failed:
            finding = failed.finding
    return finding


def backward_blocked(ctx: Context, case: Case, forward_finding: Finding) -> Finding:
    """The finding for a backward whose forward failed: it cannot be run without a cache.

    A backward that raises NotImplementedError before touching its cache (an unfinished stub)
    is reported as not implemented rather than blocked.
    """
    exercise = ctx.exercise
    probe = ctx.runner.run([Call(exercise.backward, (case.dout.copy(), None))])[0]
    if probe.status in ("missing", "not_implemented"):
        return outcome_finding(probe, exercise.backward)
    lines = [line.strip() for line in forward_finding.output.splitlines() if line.strip()]
    reason = lines[-1] if forward_finding.status is Status.ERROR and lines else (lines or [""])[0]
    return Finding(Status.SKIPPED, f"can't check {exercise.backward} until {exercise.forward} runs "
                                   f"({reason})",
                   f"Fix {exercise.forward} first: its cache is what {exercise.backward} receives.")


def run_after_forward(ctx: Context, case: Case, calls: list[Call]) -> tuple[Outcome, list[Outcome]]:
    """Run the forward (its result kept in the worker as "cache"), then `calls` that use it.

    Raises Failed when the forward gives nothing to work with: for a backward, a cache it cannot
    run without (backward_blocked); for a loss, the loss function's own failure.
    """
    forward, *rest = ctx.runner.run([forward_call(case, save_as="cache"), *calls])
    problem = forward_problem(forward, case)
    if problem is not None:
        raise Failed(problem if case.exercise.is_loss else backward_blocked(ctx, case, problem))
    return forward, rest


def first_failure(cases: list[Case], check_case) -> Finding:
    """Run `check_case` on each case; the first failing Finding (labelled with its shapes) or PASS."""
    notes = []
    for case in cases:
        try:
            finding = check_case(case)
        except Failed as failed:
            finding = failed.finding
        if finding.status is not Status.PASSED:
            return _labelled(finding, case)
        if finding.output:
            notes.append(finding.output)
    return Finding(Status.PASSED, notes[0] if notes else "")


def _labelled(finding: Finding, case: Case) -> Finding:
    if finding.status in (Status.MISSING, Status.SKIPPED):
        return finding
    return Finding(finding.status, f"{finding.output} [inputs: {case.label}]", finding.hint)
