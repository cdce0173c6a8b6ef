"""Forward values: the student's output against the reference's, shape first, then values."""
from __future__ import annotations

import dataclasses

import numpy as np

from ..compare import allclose
from ..diagnosis import one_change
from ..diagnosis.mistake_ids import value_mistake
from ..diagnosis.shapes import fmt, output_shape_diagnosis
from ..diagnosis.reevaluated import first_match, forward_candidates
from ..diagnosis.values import explain_mismatch, localise
from ..exercises.base import Case
from ..results import PASS, Finding, Status
from ..runner.calls import Call
from . import code_fixes
from .common import (Context, Failed, case_calls, expected_outputs, first_failure, forward_outputs, results_again,
                     results_elsewhere)


def check(ctx: Context, cases: list[Case]) -> Finding:
    return first_failure(cases, lambda case: check_case(ctx, case))


def plan(ctx: Context, cases: list[Case]) -> list[list[Call]]:
    return [case_calls(ctx, case) for case in cases]


def check_case(ctx: Context, case: Case) -> Finding:
    # The forward's call is the gradient check's too: a layer's backward runs right after it.
    outcome = ctx.run(case_calls(ctx, case))[0]
    try:
        outs = forward_outputs(outcome, case)
    except Failed as failed:
        raise Failed(code_fixes.with_fix(ctx, case, outcome, failed.finding, backward=False)) from None
    for out, right, what in zip(outs, expected_outputs(ctx.oracle, case), case.exercise.output_names):
        def again():
            found = results_again(ctx, case)
            return found and found[:2]

        def own_fix(results, position, what=what):
            return code_fixes.explain(ctx, case, what, results, position, backward=False, again=again)
        finding = compare_output(case, out, right, ctx.oracle, what, outs=outs, again=again, own_fix=own_fix,
                                 elsewhere=lambda: results_elsewhere(ctx, case, backward=False))
        if not finding.passed:
            return finding
    return PASS


def compare_output(case: Case, out: np.ndarray, expected: np.ndarray, oracle, what: str | None = None,
                   outs: tuple | None = None, again=None, own_fix=None, elsewhere=None) -> Finding:
    """Shape, then values, of a forward output `what` (default: the only one, or the loss) against
    the expected one; a wrong one is compared with the exercise's declared mistakes, which `oracle`
    computes. `outs`: all the forward's outputs, `out` among them (a diagnosis must explain all);
    `again()`: another case and the student's outputs on it, to confirm a diagnosis (one_change), and
    `elsewhere()` the public main cases and their outputs there, which it must explain too;
    `own_fix(results, position)`: a fix of the student's own code proven to make it right (checks.code_fixes)."""
    exercise = case.exercise
    what = what or exercise.output_names[0]
    if out.shape != expected.shape:
        if exercise.is_loss and out.size == 1:
            out = out.reshape(())
        else:
            hint, kind = output_shape_diagnosis(out.shape, expected.shape, what)
            generic, mistake = hint, None
            if exercise.output_shape is not None:   # the exercise's own reading of this shape
                hint, kind, mistake = exercise.output_shape(out.shape, expected.shape, hint, kind, case)
            mistake = mistake or value_mistake(what, kind)
            if own_fix is not None and mistake == value_mistake(what, "wrong_shape") and hint == generic:
                # no more specific cause known (the exercise's reading may say more under the neutral id, a
                # negative axis left unsummed): a fix of the student's own code, where one is proven
                changed = own_fix(*((outs, exercise.output_names.index(what)) if outs else ((out,), 0)))
                if changed is not None:
                    hint, mistake = changed
            return Finding(Status.FAILED, f"{what} has shape {fmt(out.shape)}, expected {fmt(expected.shape)}",
                           hint, mistake)
    if allclose(out, expected) or (exercise.accepts is not None and exercise.accepts(case, what, out)):
        return PASS
    finding = explain_mismatch(what, out, expected, batch_size=case.batch_size,
                               candidates=oracle.mistakes(case, what),
                               nan_hint=exercise.stability.hint if exercise.stability else None)
    if finding.mistake is None:
        # Only where nothing named it: a declared mistake keeps the exercise's words.
        matched = first_match(out, forward_candidates(case, what, expected))
        if matched is not None:
            finding = dataclasses.replace(finding, hint=matched.hint, mistake=matched.mistake)
    if finding.mistake is None and exercise.output_reading is not None:
        read = exercise.output_reading(case, what, out)
        if read is not None:
            finding = dataclasses.replace(finding, hint=read[0], mistake=read[1])
    if finding.mistake is None:
        results, position = (outs, exercise.output_names.index(what)) if outs else ((out,), 0)
        changed = one_change.explain(case, oracle, what, results, position, expected, backward=False, again=again,
                                     elsewhere=elsewhere)
        if changed is None and own_fix is not None:
            changed = own_fix(results, position)
        if changed is not None:
            finding = dataclasses.replace(finding, hint=changed[0], mistake=changed[1])
    if finding.hint is None:
        finding = dataclasses.replace(finding, hint=localise(what, out, expected, case.arrays))
    return finding
