"""Proving a fix of the student's own code (grader.diagnosis.code_fixes) by running it.

Where nothing else named the cause of a wrong result, changed versions of the student's function
are run in the sandbox, like their own code, on the failing case: their forward, then the changed
function. One whose results are right there (the diagnosed one, and each other one either right or
as wrong as before) is run once more on a second draw of the same configuration, and on every public
case, main and edge (their other configurations); right on all of them, it is shown. A fix never
changes a grade: it only words the hint of a check that failed anyway.

Code that raised with no reading of the exception (explain_error) is searched the same way, the
lines the traceback went through first: a version that runs and gives every result right, on the
case and on a second draw, is the fix. On a hidden case, where the exception's message is withheld,
this still words the slip: the hint quotes only the student's own line and the change.
"""
from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np

from ..compare import allclose
from ..diagnosis import code_fixes
from ..diagnosis.values import same_values
from ..exercises.base import Case
from ..results import Finding
from ..runner.calls import Call, Outcome
from .common import (Context, Failed, backward_call, confirmation_case, forward_call, forward_outputs, gradients,
                     mirrored_case, raised_at, unread_error)

# Changed versions sent to the worker in one batch (one round trip each).
BATCH = 25

# A run that ends like this stopped the worker: the search stops with it.
_WORKER_LOST = ("timeout", "crashed", "invalid")


def explain(ctx: Context, case: Case, what: str, results: tuple, position: int, *, backward: bool,
            again: Callable[[], tuple | None] | None = None) -> tuple[str, str] | None:
    """(hint, mistake id) for the student's wrong `results[position]` (named `what`), or None.
    `results` are all the student's results on the case, as one_change.explain takes them;
    `again()` gives (another case, the student's results on it)."""
    if not _provable(ctx):
        return None
    start, without = _changed(case, backward)
    in_backward = start == case.exercise.backward
    # `position` is also where the student's function returns the result: a backward's gradients, a
    # forward's outputs before its cache, a loss's (loss, dx)
    right = ctx.oracle.results(case, backward)
    # One search per wrong result and grade: each case a check fails on, public or hidden, would
    # search again, at the cost of a hundred runs of the student's code. Later cases try only the fix
    # found, or nothing where the search found none.
    searched = ("code_fixes", start, what, backward)
    if searched in ctx.across:
        found = ctx.across[searched]
        if found is None:
            return None
        held = _holds(ctx, found, case, results, right, position, backward)
        return (found.hint(what), found.mistake(what, in_backward=in_backward)) if held else None
    found, conclusive = _search(ctx, case, start, without, results, right, position, backward, again)
    if found is not None or conclusive:
        ctx.across[searched] = found
    return None if found is None else (found.hint(what), found.mistake(what, in_backward=in_backward))


def with_fix(ctx: Context, case: Case, outcome: Outcome, finding: Finding, *, backward: bool) -> Finding:
    """The finding for the student's call that raised (`outcome`), its hint a fix of their own code
    where the exception was read no further than its kind (common.unread_error)."""
    if not unread_error(finding):
        return finding
    found = explain_error(ctx, case, raised_at(outcome), backward=backward)
    return finding if found is None else dataclasses.replace(finding, hint=found[0], mistake=found[1])


def explain_error(ctx: Context, case: Case, raised_at: tuple[int, ...], *, backward: bool) -> tuple[str, str] | None:
    """(hint, mistake id) for the student's forward (or, `backward`, backward) that raised on the case
    with no reading of why, or None. `raised_at`: the file's line numbers the traceback went through.
    The fix must make the function run and give every result right, here and on a second draw."""
    if not _provable(ctx):
        return None
    exercise = case.exercise
    start, without = _changed(case, backward)
    names = exercise.gradient_names() if start == exercise.backward else \
        (*exercise.output_names, *(exercise.gradient_names() if exercise.is_loss else ()))
    what = _listed(names)
    right = ctx.oracle.results(case, backward)
    searched = ("code_fixes", start, "raised", backward)
    if searched in ctx.across:
        found = ctx.across[searched]
        held = found is not None and _all_right(_run(ctx, case, [found], backward)[0], right)
        return _error_hint(found, what, names, start == exercise.backward) if held else None
    candidates = code_fixes.fixes(ctx.source, code_fixes.functions_to_change(ctx.source, start, without),
                                  file_name="submission", raised_at=raised_at)
    second = None
    found = None
    for first in range(0, len(candidates), BATCH):
        chunk = candidates[first:first + BATCH]
        ran = _run(ctx, case, chunk, backward)
        if any(got is _LOST for got in ran):
            return None             # the worker was lost: nothing concluded, a later case may search
        for fix, got in zip(chunk, ran):
            if not _all_right(got, right):
                continue
            second = second or confirmation_case(ctx, case)
            if _all_right(_run(ctx, second, [fix], backward)[0], ctx.oracle.results(second, backward)) \
                    and _keeps_right(ctx, fix, backward, besides=case):
                found = fix
                break
        if found is not None:
            break
    ctx.across[searched] = found
    return None if found is None else _error_hint(found, what, names, start == exercise.backward)


def _provable(ctx: Context) -> bool:
    """Whether a fix can be proven: the student's source, and the reference's right answers (a
    student's release has recorded ones only, for its public cases)."""
    return bool(ctx.source) and not getattr(ctx.oracle, "public_only", True)


def _changed(case: Case, backward: bool) -> tuple[str, str | None]:
    """(the student's function a fix changes, the function whose code it must leave alone): a
    backward's diagnosis never changes what the forward also runs, the forward being right."""
    exercise = case.exercise
    if backward and not exercise.is_loss:
        return exercise.backward, exercise.forward
    return exercise.forward, None


def _error_hint(fix: code_fixes.Fix, what: str, names: tuple[str, ...], in_backward: bool) -> tuple[str, str]:
    """The hint and id of a fix of code that raised: the id is of the first result the changed line feeds."""
    fed = next((names[k] for k in fix.feeds if k < len(names)), names[0])
    return fix.hint(what, runs=True), fix.mistake(fed, in_backward=in_backward)


def _listed(names) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _all_right(got, right: tuple) -> bool:
    """Every result there and right (for code that raised, there is no result of theirs to keep)."""
    if got is None or got is _LOST or len(got) < len(right):
        return False
    return all(_is_right(new, answer) for new, answer in zip(got, right))


def _search(ctx: Context, case: Case, start: str, without: str | None, results: tuple, right: tuple, position: int,
            backward: bool, again) -> tuple[code_fixes.Fix | None, bool]:
    """(the first changed version that makes the result right on the case and on a second draw,
    whether the search was conclusive): a fix that could not be confirmed (the student's own result
    is right on the second draw, as a slightly-off one can be) leaves the question open for a
    later case."""
    candidates = code_fixes.fixes(ctx.source, code_fixes.functions_to_change(ctx.source, start, without),
                                  file_name="submission", position=position)
    second, conclusive = None, True
    for first in range(0, len(candidates), BATCH):
        chunk = candidates[first:first + BATCH]
        ran = _run(ctx, case, chunk, backward)
        for fix, got in zip(chunk, ran):
            if got is _LOST:
                return None, False
            if got is None or not _fixes(results, got, right, position):
                continue
            if again is not None:
                second = second if second is not None else (again() or ())
                confirmed = _fixes_again(ctx, fix, second, position, backward) if second else None
                if not confirmed:
                    conclusive = conclusive and confirmed is False
                    continue
            if not _keeps_right(ctx, fix, backward, besides=case, position=position):
                continue
            return fix, True
    return None, conclusive


_LOST = object()


def _run(ctx: Context, case: Case, fixes: list[code_fixes.Fix | None], backward: bool) -> list:
    """Per fix (None: none, the student's own code), the results of their code with it on the case:
    None where it failed there, _LOST for it and every later one once the worker was lost."""
    per_fix = [_calls(case, fix, backward) for fix in fixes]
    outcomes = ctx.run_aside([call for calls in per_fix for call in calls])
    found, at = [], 0
    for calls in per_fix:
        mine = outcomes[at:at + len(calls)]
        at += len(calls)
        if any(outcome.status in _WORKER_LOST for outcome in mine):
            return found + [_LOST] * (len(fixes) - len(found))
        found.append(_results(mine, case, backward))
    return found


def _keeps_right(ctx: Context, fix: code_fixes.Fix, backward: bool, besides: Case, position: int | None = None) -> bool:
    """The fix holds on every public case, main and edge (other than `besides`): the diagnosed result
    (`position`; None: every result, for code that raised) right there, and every other result the
    student's own code gets right kept right. A second draw has the failing case's configuration: a
    change right there only (x for x_pad, where pad is 0; a term that vanishes when N is 1) is not
    the student's slip. The edge cases' other configurations matter as much: round 19's pool index
    int((h - pool_height) / stride + 1) with + 1 changed to - 1 wraps round to the right place where
    the input is twice the pool, and is wrong (or raises) for a 3 x 1 pool at stride 2. The failing
    case's mirror too (Exercise.mirror): round 19's conv output index 1 + (j + 2 * pad - WW) / stride
    told to use HH is right on a 1 x 2 kernel at pad 0 and on every public case, and wrong on 2 x 1."""
    mirrored = mirrored_case(ctx, besides)
    for case in [*ctx.public_main, *ctx.public_edge, *([mirrored] if mirrored is not None else [])]:
        if case is besides:
            continue
        own, fixed = _run(ctx, case, [None, fix], backward)
        if own is _LOST or fixed is _LOST:
            return False
        right = ctx.oracle.results(case, backward)
        for k, answer in enumerate(right):
            fixed_right = fixed is not None and k < len(fixed) and _is_right(fixed[k], answer)
            must = position is None or k == position or (own is not None and k < len(own) and _is_right(own[k], answer))
            if must and not fixed_right:
                return False
    return True


def _is_right(value, answer) -> bool:
    return np.shape(value) == np.shape(answer) and allclose(_as_float(value), answer)


def _calls(case: Case, fix: code_fixes.Fix | None, backward: bool) -> list[Call]:
    """The student's calls on the case, with the fix's changed function in place of theirs (None:
    their own code, unchanged)."""
    patch = fix.source if fix is not None else None
    if backward and not case.exercise.is_loss:
        changed = backward_call(case, "fix")
        return [forward_call(case, save_as="fix"),
                Call(changed.function, changed.args, want=changed.want, patch=patch)]
    plain = forward_call(case)
    return [Call(plain.function, plain.args, want=plain.want, patch=patch)]


def _results(outcomes: list[Outcome], case: Case, backward: bool) -> tuple | None:
    """What the student's functions gave, in the order `explain` takes results; None if they failed."""
    exercise = case.exercise
    try:
        outs = forward_outputs(outcomes[0], case)
        if exercise.is_loss:
            return (*outs, *gradients(outcomes[0], case))
        return gradients(outcomes[-1], case) if backward else outs
    except Failed:
        return None


def _fixes(before: tuple, after: tuple, right: tuple, position: int) -> bool:
    """With the fix, the diagnosed result is right, and every other one is right or as it was."""
    if len(after) < len(before) or len(right) < len(before):
        return False
    for k, (old, new, answer) in enumerate(zip(before, after, right)):
        is_right = _is_right(new, answer)
        if k == position and not is_right:
            return False
        new, old = _as_float(new), _as_float(old)
        if k != position and not is_right and not (new.shape == old.shape and same_values(new, old)):
            return False
    return True


def _fixes_again(ctx: Context, fix: code_fixes.Fix, second: tuple, position: int, backward: bool) -> bool | None:
    """Whether the fix is right on the second draw too; None where that draw proves nothing (the
    student's own result is right there, or missing)."""
    case, results = second
    right = ctx.oracle.results(case, backward)
    if len(results) <= position or len(right) <= position:
        return None
    if _is_right(results[position], right[position]):
        return None
    return _holds(ctx, fix, case, results, right, position, backward)


def _holds(ctx: Context, fix: code_fixes.Fix, case: Case, results: tuple, right: tuple, position: int,
           backward: bool) -> bool:
    """The fix, run on `case`, makes the student's `results` right there (see _fixes)."""
    got = _run(ctx, case, [fix], backward)[0]
    return got is not None and got is not _LOST and _fixes(results, got, right, position)


def _as_float(value) -> np.ndarray:
    return np.asarray(value, dtype=np.float64)
