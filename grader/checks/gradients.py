"""Gradient check: the student's backward against the reference and against their own forward.

Two ways, cheaply:
1. against the reference backward on the same inputs and the same random dout (one forward and one
   backward call per case);
2. against the numerical gradient of the student's *own* forward, by central differences along
   K random N(0, 1) directions u per input: (L(x + hu) - L(x - hu)) / 2h must equal <dx, u>,
   where L = sum(out * dout), with the error normalised by |dx|·|u| (4 more forward calls per
   input, made only when they can change the verdict).
A gradient passes if it matches the reference, or (one bug, one penalty) if the forward is wrong
but an attempt at the right one (close to it, or one of the exercise's declared forward mistakes)
and the gradient is right for it: a forward far from right (a linear function with an easy exact
gradient) earns its backward nothing. The numerical route is trusted only for a forward that behaves
like a smooth function on the probe points (a forward that answers probes differently from the
base point fails it), and is never needed when the forward matches the reference: so the probe
calls are made only for a wrong forward whose gradient misses the reference's. Correct code, and
code whose only bug is in the backward, never runs them.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ..compare import allclose, norm, relative_error, rtol_for
from ..diagnosis import code_fixes as code_fixes_source, one_change, paths
from ..diagnosis.proof import proven_fix, unproven_shape_hint
from ..diagnosis.reevaluated import first_match, reevaluated_candidates
from ..diagnosis.mistake_ids import value_mistake
from ..diagnosis.shapes import first_slice, fmt, gradient_shape_diagnosis, gradient_shape_message
from ..diagnosis.values import Candidate, explain_mismatch, localise
from ..exercises.base import Case
from ..results import PASS, Finding, Status
from ..runner.calls import Call
from . import code_fixes, dout_linearity
from .common import (
    Context,
    Failed,
    backward_blocked,
    case_calls,
    expected_outputs,
    first_failure,
    forward_call,
    forward_outputs,
    forward_problem,
    gradients,
    ones_like_dout,
    results_again,
    results_elsewhere,
    values_seed,
)

DIRECTIONS = 2
STEP = 1e-5
NUMERIC_TOLERANCE = 1e-6
SMOOTHNESS_TOLERANCE = 1e-6
# Looser than the forward's 1e-6: a forward off by eps-sized amounts (eps outside the square root)
# passes its own check, and its backward, right for it, must not fail for that alone. Real
# gradient bugs give relative errors of 1e-2 and more.
GRADIENT_RTOL = 1e-5
# A backward may call its forward to recompute an intermediate; central differences call it twice
# per input element (even the smallest main case has more than this many).
FORWARD_CALLS_ALLOWED = 3
# An elementwise gradient (Hidden.exact) written as a formula matches the reference to rounding: at most
# 2e-15 relative on every correct corpus file. Central differences, however the step is chosen, are
# off by about 1e-11 or more (truncation h^2 against cancellation eps / h).
EXACT_RTOL = 1e-12
# A wrong forward this close to the right one (relative error) is an attempt at it: its backward
# is judged against it (one bug, one penalty). Farther off, only a declared forward mistake is.
PLAUSIBLE_ERROR = 0.05


def check(ctx: Context, cases: list[Case]) -> Finding:
    finding = first_failure(cases, lambda case: check_case(ctx, case))
    if finding.mistake == "backward_too_slow":
        ctx.across["backward_too_slow"] = finding
    elif finding.status is Status.TIMEOUT and "backward_too_slow" in ctx.across:
        # The runner does not call again a function that ran out of time (it answers with that
        # timeout at once): said for what it was, a large case, not for this check's first case.
        return ctx.across["backward_too_slow"]
    return finding


def _directions(case: Case) -> dict[str, list[np.ndarray]]:
    rng = np.random.default_rng(values_seed(case))
    return {name: [rng.normal(size=a.shape) for _ in range(DIRECTIONS)] for name, a in case.arrays.items()}


def _probe_calls(case: Case) -> tuple[list[Call], list[tuple[str, np.ndarray]]]:
    """The forward at x +- STEP * u for each probe (name, u): two calls per probe."""
    directions = _directions(case)
    calls, probes = [], []
    for name, x in case.arrays.items():
        for u in directions[name]:
            probes.append((name, u))
            calls.append(forward_call(case, **{name: x + STEP * u}))
            calls.append(forward_call(case, **{name: x - STEP * u}))
    return calls, probes


def plan(ctx: Context, cases: list[Case]) -> list[list[Call]]:
    # The probes are left out: a case that needs them has a wrong forward, and the plan would be
    # abandoned at that case anyway (or earlier, at the forward's own check).
    return [case_calls(ctx, case) for case in cases]


def check_case(ctx: Context, case: Case) -> Finding:
    exercise = ctx.exercise
    outcomes = ctx.run(case_calls(ctx, case))   # shared with the forward-value check

    forward_outcome = outcomes[0]
    forward_finding = forward_problem(forward_outcome, case)
    if forward_finding and not exercise.is_loss:
        return backward_blocked(ctx, case, forward_finding)
    try:
        grads = gradients(outcomes[-1], case)
    except Failed as failed:
        raise Failed(code_fixes.with_fix(ctx, case, outcomes[-1], failed.finding, backward=True)) from None
    student_outs = forward_outputs(forward_outcome, case)
    numerical = _differentiates_numerically(exercise, outcomes[-1])
    if numerical is not None:
        return numerical
    expected = ctx.oracle.backward(case)
    expected_outs = expected_outputs(ctx.oracle, case)
    forward_ok = all(out.size == right.size and allclose(out.reshape(right.shape), right)
                     for out, right in zip(student_outs, expected_outs))
    try:
        _check_shapes(case, grads, expected if forward_ok else None, ctx.source)
    except Failed as failed:
        raise Failed(_shape_fixed(ctx, case, failed.finding, grads, student_outs) if forward_ok else failed.finding) \
            from None

    matches = [allclose(g, e, rtol=max(GRADIENT_RTOL, rtol_for(g))) for g, e in zip(grads, expected)]
    if all(matches):
        return _inexact(exercise, grads, expected, student_outs) if forward_ok else PASS
    names = exercise.gradient_names()
    wrong = tuple(n for n, ok in zip(names, matches) if not ok)
    if forward_ok:
        # The hint is about the first wrong gradient; the dashboard counts every one of them.
        index = matches.index(False)
        finding = _mismatch(ctx, case, index, grads, expected[index], student_outs)
        return dataclasses.replace(finding, wrong_gradients=wrong)
    if not _plausible(ctx, case, student_outs, expected_outs):
        # Credit for "right for your own forward" is for an attempt at this forward, not for any
        # smooth function whose exact gradient is easy (a linear forward and its constant backward).
        index = matches.index(False)
        finding = _mismatch(ctx, case, index, grads, expected[index], student_outs)
        if finding.mistake == value_mistake(names[index], "zero"):
            # all zeros is right for a forward that is constant on this case (groupnorm's statistics per
            # position across N * G = 1 rows gives beta): not told it was never computed
            finding = dataclasses.replace(finding, hint=None)
        return dataclasses.replace(
            finding, wrong_gradients=wrong,
            output=f"{finding.output}; {exercise.forward} is wrong too (see its check), and far from right, so "
                   f"{names[index]} is judged against the right gradient",
            hint=finding.hint or f"Fix {exercise.forward} first; then check {names[index]} = local gradient × dout.")

    # The forward is wrong: judge each gradient that missed the reference against the forward it
    # belongs to, through the probes (the probes are run once; judging them all costs no call).
    probe_calls, probes = ctx.once(_probe_calls, case)
    probe_outs = ctx.run(probe_calls)
    verdicts = [None if matches[index] else
                _numeric_verdict(case, student_outs, g, expected[index], name, probes, probe_outs)
                for index, (name, g) in enumerate(zip(case.arrays, grads))]
    judged = [verdict for verdict in verdicts if verdict is not None]
    if not judged and _accepted(case, student_outs):
        return PASS                # another valid draw of a stochastic forward, and its own gradient
    if not judged:
        return Finding(Status.PASSED, f"Your gradients are right for your {exercise.forward}, but that forward "
                                     f"is wrong (see its check).")
    if judged[0].status is not Status.FAILED:
        return judged[0]           # can't be judged: which gradients are wrong is unknown
    return dataclasses.replace(judged[0], wrong_gradients=tuple(
        n for n, verdict in zip(names, verdicts) if verdict is not None and verdict.status is Status.FAILED))


def _differentiates_numerically(exercise, backward) -> Finding | None:
    """The finding for a backward that calls its forward again and again (central differences:
    two calls per input element), however right its numbers; None otherwise."""
    if exercise.is_loss or backward.counted is None or 0 <= backward.counted <= FORWARD_CALLS_ALLOWED:
        return None
    if backward.counted < 0:
        said = f"{exercise.backward} switched off the grader's count of its calls of {exercise.forward}"
    else:
        said = (f"{exercise.backward} calls {exercise.forward} {backward.counted} times: it differentiates "
                "numerically")
    return Finding(Status.FAILED, said,
                   f"Write the backward by hand: each gradient is the local gradient times dout (the chain rule), "
                   f"computed from what {exercise.forward} saved in its cache. Numerical gradients are for "
                   "checking a backward, not for writing one.", "numerical_backward")


def _inexact(exercise, grads: tuple, expected: tuple, outs: tuple) -> Finding:
    """PASS, or the finding for an elementwise gradient (Hidden.exact) right only to the accuracy of
    finite differences. Float32 (a gradient, or a forward output the backward computes from, exp's
    out) is the dtype check's to fail, and limits the accuracy: not judged here."""
    if exercise.hidden is None or not exercise.hidden.exact or \
            any(np.asarray(out).dtype != np.float64 for out in outs):
        return PASS
    for name, grad, right in zip(exercise.gradient_names(), grads, expected):
        error = relative_error(grad, right)
        if np.asarray(grad).dtype == np.float64 and error > EXACT_RTOL:
            return Finding(
                Status.FAILED,
                f"{name} matches the right gradient only to a relative error of {error:.1e}: a derivative written "
                "as a formula is exact to rounding (about 1e-16), and an error this size is what finite differences "
                "give",
                f"Write the local derivative of {exercise.forward} as a formula (the calculus, not (f(x + h) - "
                f"f(x - h)) / 2h), then multiply it by dout: numerical gradients are for checking a backward, not "
                "for writing one.", "backward_inexact", measures={"relative_error": error})
    return PASS


def _plausible(ctx: Context, case: Case, outs: tuple, expected: tuple) -> bool:
    """A wrong forward that is still an attempt at this one: each output within PLAUSIBLE_ERROR of
    the right one, or equal to one of the exercise's declared mistakes of that output (or one the
    exercise accepts as right, though it is not the reference's)."""
    if _accepted(case, outs):
        return True

    def attempt(out: np.ndarray, right: np.ndarray, what: str) -> bool:
        if out.shape == right.shape and relative_error(out, right) <= PLAUSIBLE_ERROR:
            return True
        return any(candidate.value.shape == out.shape and allclose(out, candidate.value)
                   for candidate in ctx.oracle.mistakes(case, what))
    return all(attempt(out, right, what) for out, right, what in zip(outs, expected, case.exercise.output_names))


def _accepted(case: Case, outs: tuple) -> bool:
    """Every output is one the exercise accepts though it is not the reference's (Exercise.accepts)."""
    accepts = case.exercise.accepts
    return accepts is not None and all(accepts(case, what, out) for out, what in zip(outs, case.exercise.output_names))


def _check_shapes(case: Case, grads: tuple[np.ndarray, ...], expected: tuple | None, source: str = "") -> None:
    """Raise Failed for the first wrong-shaped gradient, naming every wrong-shaped one. With the
    right gradients `expected` (when the forward is right), a fix the hint proposes is applied to
    the student's gradient first, and proposed only if it then gives the right values. An extra
    size-1 axis on the gradient of an input that was not broadcast is blamed on keepdims only where
    the student's `source` can have put it there."""
    wrong = [(index, name, x, g, grad_name)
             for index, ((name, x), g, grad_name) in enumerate(zip(case.arrays.items(), grads,
                                                                  case.exercise.gradient_names()))
             if g.shape != x.shape]
    if not wrong:
        return
    index, name, x, g, grad_name = wrong[0]
    out_shape = case.douts[0].shape if name in case.exercise.broadcast else None
    hint, kind = gradient_shape_diagnosis(grad_name, g.shape, name, x.shape, out_shape, case.exercise.gradient_shape)
    function = case.exercise.forward if case.exercise.is_loss else case.exercise.backward
    if kind == "keepdims" and out_shape is None and source \
            and code_fixes_source.mentions(source, function, "keepdims") is False:
        # An input not broadcast (no sum over a batch axis in its gradient to keep an axis of), and no
        # keepdims in the code that computed it (dx = np.reshape(dx, (N, d1, -1)) on a 2-D x): a reshape
        # or an indexing added the axis; the entries are all there. (A broadcast input's gradient of
        # shape (1, M), np.ones((1, N)) @ dout, is a sum that kept its axis: keepdims's reading.)
        hint, kind = (f"{grad_name} has an extra size-1 axis: {fmt(g.shape)} instead of {fmt(x.shape)}, and no "
                      f"keepdims in {function} made it: look for the reshape or index that added it (a fixed number "
                      f"of axes, a None). Reshape to {name}.shape {fmt(x.shape)}: {grad_name}.reshape({name}.shape) fits "
                      f"{name} of any number of axes."), "not_reshaped"
    if expected is not None and not proven_fix(kind, g, x.shape, expected[index]):
        hint, kind = unproven_shape_hint(grad_name, name, x.shape, case, g)
    others = [other for other, array in case.arrays.items() if other != name and array.shape == g.shape]
    if others and kind in ("wrong_shape", "wrong_axis"):
        # A fact, not a fix: the shape is another input's (a line written for it, copied).
        hint = (f"{grad_name} has {others[0]}'s shape {fmt(g.shape)}, not {name}'s {fmt(x.shape)}: each gradient "
                f"takes the shape of its own input (a line written for {others[0]}, copied, such as "
                f"unbroadcast(..., {others[0]}.shape)?). {hint}")
        kind = "shape_of_other_input"
    # A kind that is no value kind is the exercise's own mistake id (its gradient_shape names the cause).
    raise Failed(Finding(Status.FAILED, gradient_shape_message(grad_name, g.shape, name, x.shape), hint,
                         value_mistake(grad_name, kind) or kind, wrong_gradients=tuple(w[4] for w in wrong)))


def _shape_fixed(ctx: Context, case: Case, finding: Finding, grads: tuple, student_outs: tuple) -> Finding:
    """A wrong-shaped gradient with no more specific cause known (<value>_wrong_shape), its hint a fix
    of the student's own code proven to make it right (checks.code_fixes), where one is found: round
    25's crop dx[:, :, 1:H - pad, 1:W - pad] with 1 where pad belongs."""
    exercise = case.exercise
    names = exercise.gradient_names()
    grad_name = finding.wrong_gradients[0] if finding.wrong_gradients else None
    if grad_name not in names or finding.mistake != value_mistake(grad_name, "wrong_shape"):
        return finding
    index = names.index(grad_name)
    results, position = ((*student_outs, *grads), 1) if exercise.is_loss else (grads, index)

    def again():
        found = results_again(ctx, case)
        return found and (found[0], (*found[1], *found[2]) if exercise.is_loss else found[2])
    fixed = code_fixes.explain(ctx, case, grad_name, results, position, backward=True, again=again)
    return finding if fixed is None else dataclasses.replace(finding, hint=fixed[0], mistake=fixed[1])


def _mismatch(ctx: Context, case: Case, index: int, everything: tuple, expected: np.ndarray,
              student_outs: tuple) -> Finding:
    """The failed Finding for gradient `index` of the student's gradients `everything` (their
    forward's outputs `student_outs` beside them), which differs from `expected`."""
    student = everything[index]
    exercise = case.exercise
    grad_name = exercise.gradient_names()[index]
    input_name = list(case.arrays)[index]
    candidates = list(ctx.oracle.mistakes(case, grad_name))
    copies = case.douts[0].size // max(expected.size, 1) if case.dout is not None else 1
    if input_name in case.broadcast_inputs and copies > 1:
        candidates.append(Candidate(first_slice(case.douts[0], expected.shape), f"{input_name} was broadcast: "
                                    f"{grad_name} is one slice of dout (dout[0]); add up dout over every position "
                                    f"{input_name} was copied to (sum over the broadcast axes).",
                                    value_mistake(grad_name, "one_slice")))
        candidates.append(Candidate(expected / copies, f"{input_name} was broadcast: sum dout over the broadcast "
                                                       "axes; you averaged (mean) instead of summing.",
                                    value_mistake(grad_name, "mean_not_sum")))
    if not exercise.is_loss:
        ignoring_dout = ctx.oracle.backward(case, dout=ones_like_dout(case))[index]
        candidates.append(Candidate(ignoring_dout, f"{grad_name} ignores the upstream gradient: multiply the local "
                                                   "gradient by dout (chain rule).",
                                    value_mistake(grad_name, "ignores_dout")))
    chain_rule = ctx.oracle.chain_rule(case, grad_name)
    finding = explain_mismatch(grad_name, student, expected, batch_size=case.batch_size, candidates=candidates,
                               nan_hint=exercise.stability.hint if exercise.stability else None,
                               fallback=lambda s: paths.diagnose(case, grad_name, s, *chain_rule))
    if finding.hint is None and input_name in case.broadcast_inputs:
        finding = dataclasses.replace(
            finding, hint=f"{input_name} was broadcast: {grad_name} must add up dout over every position "
                          f"{input_name} was copied to (sum over the broadcast axes — not mean, not a single slice).")
    if finding.hint is None and exercise.gradient_fallback is not None:
        hint, mistake = exercise.gradient_fallback
        finding = dataclasses.replace(finding, mistake=mistake, hint=hint)
    if finding.mistake in (None, value_mistake(grad_name, "not_finite")):
        # Only where nothing named a cause: a declared mistake or fallback keeps the exercise's words.
        matched = first_match(student, reevaluated_candidates(case, ctx.oracle, index, grad_name, expected))
        if matched is not None:
            finding = dataclasses.replace(finding, hint=matched.hint, mistake=matched.mistake)
    results, position = ((*student_outs, *everything), 1) if exercise.is_loss else (everything, index)

    def again():
        found = results_again(ctx, case)
        return found and (found[0], (*found[1], *found[2]) if exercise.is_loss else found[2])
    if finding.mistake in (None, value_mistake(grad_name, "not_finite")):
        changed = one_change.explain(case, ctx.oracle, grad_name, results, position, expected, backward=True,
                                     again=again, elsewhere=lambda: results_elsewhere(ctx, case, backward=True))
        if changed is not None:
            finding = dataclasses.replace(finding, hint=changed[0], mistake=changed[1])
    # A fix of the student's own code, also where the value is only slightly off (a generic reading,
    # "look at what is special about these inputs", is all that says otherwise).
    if finding.mistake in (None, value_mistake(grad_name, "not_finite"), value_mistake(grad_name, "slightly_off")):
        fixed = code_fixes.explain(ctx, case, grad_name, results, position, backward=True, again=again)
        if fixed is not None:
            finding = dataclasses.replace(finding, hint=fixed[0], mistake=fixed[1])
    if finding.mistake is None:
        # A property of every gradient, proven on their backward: not 0 at dout = 0, or dout twice.
        nonlinear = dout_linearity.explain(ctx, case, index, grad_name, student) \
            or dout_linearity.per_example(ctx, case, index, grad_name, student)
        if nonlinear is not None:
            finding = dataclasses.replace(finding, hint=nonlinear[0], mistake=nonlinear[1])
    if exercise.stability and finding.mistake == value_mistake(grad_name, "not_finite") \
            and finding.hint == exercise.stability.hint:
        # Nothing more specific was found, and the hint is the stability check's: so is its id (the
        # id is what a hint is chosen by; the searches above ran for a NaN first).
        finding = dataclasses.replace(finding, mistake=exercise.stability.mistake)
    if finding.hint is None:
        finding = dataclasses.replace(finding, hint=localise(grad_name, student, expected, case.arrays))
    return finding


def _numeric_verdict(case: Case, outs0: tuple, grad: np.ndarray, reference_grad: np.ndarray, name: str,
                     probes, probe_outs) -> Finding | None:
    """None if `grad` is the numerical gradient of the student's own (smooth) forward.

    A forward that ignores an input the real function depends on (a constant) would make a zero
    gradient "right for it": that earns nothing, since the backward was never really tested.
    """
    exercise = case.exercise
    grad_name = "d" + name
    weights = case.douts or (1.0,)

    def loss(outs) -> float:       # L = sum over the outputs of sum(out * dout)
        return float(sum(np.sum(out * weight) for out, weight in zip(outs, weights)))
    base = loss(outs0)
    for k, (probe_name, u) in enumerate(probes):
        if probe_name != name:
            continue
        plus, minus = probe_outs[2 * k], probe_outs[2 * k + 1]
        try:
            outs_plus, outs_minus = forward_outputs(plus, case), forward_outputs(minus, case)
        except Failed:
            return _unjudgeable(exercise.forward, grad_name)
        if any(o.shape != o0.shape for outs in (outs_plus, outs_minus) for o, o0 in zip(outs, outs0)):
            return _unjudgeable(exercise.forward, grad_name)
        l_plus, l_minus = loss(outs_plus), loss(outs_minus)
        if not np.isfinite([l_plus, l_minus, base]).all():
            return Finding(Status.SKIPPED, f"{grad_name} can't be checked here: {exercise.forward} returns NaN or "
                                           "inf on these inputs",
                           f"Fix {exercise.forward} first (see its check).")
        curvature = abs(l_plus + l_minus - 2 * base)
        if not curvature <= SMOOTHNESS_TOLERANCE * (abs(base) + abs(l_plus) + abs(l_minus) + 1.0):
            return _unjudgeable(exercise.forward, grad_name)
        numeric = (l_plus - l_minus) / (2 * STEP)
        reference_slope = abs(float(np.sum(reference_grad * u)))
        if reference_slope > 1e-3 * norm(reference_grad) * norm(u) and abs(numeric) <= 1e-9 * reference_slope:
            return Finding(Status.SKIPPED, f"{grad_name} can't be checked: your {exercise.forward} does not change "
                                           f"when {name} changes", f"Fix {exercise.forward} first (see its check).")
        analytic = float(np.sum(grad * u))
        scale = max(norm(grad) * norm(u), abs(numeric), 1e-12)
        if not abs(numeric - analytic) / scale <= NUMERIC_TOLERANCE:
            return Finding(Status.FAILED,
                           f"{grad_name} does not match the numerical gradient of your own {exercise.forward} "
                           f"(and that forward is wrong too)",
                           f"Fix {exercise.forward} first; then check {grad_name} = local gradient × dout.",
                           "gradient_wrong_for_own_forward")
    return None


def _unjudgeable(forward: str, grad_name: str) -> Finding:
    return Finding(Status.SKIPPED, f"{grad_name} can't be checked: {forward} is wrong and does not behave like a "
                                   "smooth function of its inputs here",
                   f"Fix {forward} first (see its check).")
