"""Inputs are never modified: a forward must not write into x, a backward not into dout.

Writing in place (x[x < 0] = 0, dout *= mask) corrupts the caller's arrays: the next layer, the
cache, or the optimizer then sees wrong values, a bug that surfaces far from its cause.
"""
from __future__ import annotations

import numpy as np

from ..exercises.base import Case
from ..results import PASS, Finding, Status
from ..runner.calls import Call, Ref
from .common import (
    Context,
    backward_blocked,
    backward_call,
    first_failure,
    forward_call,
    forward_problem,
    outcome_finding,
    output_positions,
)


def modified(before, after) -> bool:
    if not isinstance(before, np.ndarray):
        return False
    if not isinstance(after, np.ndarray) or after.shape != before.shape:
        return True
    return not np.array_equal(before, after, equal_nan=True)


def _dict_modified(before, after) -> bool:
    """A parameter dict with a key added, removed or given another value."""
    if not isinstance(before, dict):
        return False
    if not isinstance(after, dict) or set(after) != set(before):
        return True
    return any(modified(before[k], after[k]) if isinstance(before[k], np.ndarray) else
               not (type(before[k]) is type(after[k]) and before[k] == after[k]) for k in before)


def _dict_changes(before: dict, after) -> tuple[list[str], list[str], list[str]]:
    """The keys a dict gained, lost and had given another value (each sorted by repr)."""
    if not isinstance(after, dict):
        return [], [], []
    added = sorted(map(repr, set(after) - set(before)))
    removed = sorted(map(repr, set(before) - set(after)))
    changed = sorted(repr(k) for k in set(before) & set(after) if _dict_modified({k: before[k]}, {k: after[k]}))
    return added, removed, changed


def _dict_written(exercise, name: str, before: dict, after) -> Finding:
    """A read-only parameter dict the forward wrote into: which keys it added, removed or changed."""
    added, removed, changed = _dict_changes(before, after)
    parts = [f"{verb} {', '.join(keys)}" for verb, keys in
             (("gained", added), ("lost", removed), ("had another value written into", changed)) if keys]
    what = f" (it {'; '.join(parts)})" if parts else ""
    first = (added + changed + removed)[:1]
    where = f"{name}[{first[0]}] = ..." if added or changed else (f"del {name}[{first[0]}]" if first else "")
    written = f"{where} writes into the caller's dict. " if where else ""
    keys = [k for k in before if isinstance(k, str)]
    read = f"{name}.get('eps', 1e-5)" if "eps" in before or not keys else f"{name}[{keys[0]!r}]"
    return Finding(Status.FAILED, f"{exercise.forward} wrote into its argument {name}{what}",
                   f"{written}{name} is the caller's dict, passed again at every call (a network keeps one per "
                   f"layer): only read it ({read}). What you write into it is still there at the next call, "
                   f"and another call can overwrite it before your backward reads it: keep what the backward "
                   f"needs in the cache. Hand a function that writes into its dict a copy, dict({name}).",
                   "input_mutated")


def _forward_returning_args(case: Case) -> list[Call]:
    return [forward_call(case, return_args=True)]


def plan_forward(ctx: Context, cases: list[Case]) -> list[list[Call]]:
    return [ctx.once(_forward_returning_args, case) for case in cases[:1]]


def check_forward(ctx: Context, cases: list[Case]) -> Finding:
    def check_case(case: Case) -> Finding:
        exercise = case.exercise
        [outcome] = ctx.run(ctx.once(_forward_returning_args, case))
        finding = outcome_finding(outcome, exercise.forward, case)
        if finding:
            return finding
        # Every input but a state's parameter dict, which the forward is meant to write into.
        state = exercise.state.param if exercise.state else None
        originals = case.args()
        for name, before, after in zip(exercise.parameters, originals, outcome.args_after or []):
            if name != state and modified(before, after):
                return Finding(Status.FAILED, f"{exercise.forward} modified its input {name} in place",
                               f"Don't write into {name} (e.g. {name}[mask] = 0 or {name} -= ...): work on a copy "
                               f"or build a new array (np.maximum, np.where, {name} * mask).", "input_mutated")
            if name in exercise.read_only and _dict_modified(before, after):
                return _dict_written(exercise, name, before, after)
        return PASS
    return first_failure(cases[:1], check_case)


def _sequence(case: Case) -> list[Call]:
    """Forward, backward, then the forward again on the very objects the first one was given."""
    exercise = case.exercise
    forward = Call(exercise.forward, case.args(), save_as="cache", want=output_positions(exercise),
                   return_args=True, save_args_as="inputs")
    # The inputs' state after the backward, read back through a second forward call on the very
    # same objects: its args_after are that state, since the first call showed that the forward
    # itself leaves them alone.
    again = forward_call(case, return_args=True, **{name: Ref("inputs", case.position(name)) for name in case.arrays})
    return [forward, backward_call(case, "cache", return_args=True), again]


def plan_backward(ctx: Context, cases: list[Case]) -> list[list[Call]]:
    return [ctx.once(_sequence, case) for case in cases[:1]]


def check_backward(ctx: Context, cases: list[Case]) -> Finding:
    """dout untouched by the backward, and the forward's inputs untouched by the whole forward +
    backward sequence (a backward can write into the caller's x through a cache that holds x)."""
    def check_case(case: Case) -> Finding:
        exercise = case.exercise
        first, backward, reread = ctx.run(ctx.once(_sequence, case))
        problem = forward_problem(first, case)
        if problem is not None:
            return backward_blocked(ctx, case, problem)
        finding = outcome_finding(backward, exercise.backward, case)
        if finding:
            return finding
        after = backward.args_after or [None] * len(case.douts)
        changed = [name for name, dout, now in zip(exercise.upstream_names, case.douts, after) if modified(dout, now)]
        if changed:
            return Finding(Status.FAILED, f"{exercise.backward} modified {changed[0]} in place",
                           "dout belongs to the caller: don't write into it (dx = dout; dx[mask] = 0 writes into "
                           "dout too, since dx is then the same array; dout *= ...). When a value feeds two "
                           "branches, the caller still needs that dout for the other branch, which would then "
                           "get your zeros. Compute a new array: dx = dout * mask, or dx = dout.copy() first.",
                           "dout_mutated")
        return _inputs_after_sequence(case, first, reread) or PASS
    return first_failure(cases[:1], check_case)


def _inputs_after_sequence(case: Case, first, reread) -> Finding | None:
    exercise = case.exercise
    untouched_by_forward = first.args_after is not None and not any(
        modified(before, after) for before, after in zip(case.args(), first.args_after))
    if not (untouched_by_forward and reread.ok and reread.args_after is not None):
        return None   # a forward that writes into its inputs is the forward's own check's finding
    before_args = case.args()
    for name in case.arrays:
        before, after = before_args[case.position(name)], reread.args_after[case.position(name)]
        if modified(before, after):
            return Finding(Status.FAILED, f"{exercise.backward} modified the caller's {name} through the cache",
                           f"Your cache holds {name} itself (a reference, not a copy), so writing into the cached "
                           f"array in {exercise.backward} ({name} = cache; {name}[{name} > 0] = 1) changes the "
                           f"array the caller passed to {exercise.forward}. Build new arrays instead, "
                           f"e.g. dx = dout * ({name} > 0).", "input_mutated_by_backward")
    return None
