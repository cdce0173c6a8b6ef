"""Gradient check: the student's backward against the reference and against their own forward.

Two ways, cheaply:
1. against the reference backward on the same inputs and the same random dout (one forward and one
   backward call per case);
2. against the numerical gradient of the student's *own* forward, by central differences along
   K random N(0, 1) directions u per input: (L(x + hu) - L(x - hu)) / 2h must equal <dx, u>,
   where L = sum(out * dout), with the error normalised by |dx|·|u| (4 more forward calls per
   input, made only when they can change the verdict).
A gradient passes if it matches the reference, or (one bug, one penalty) if the forward is wrong
but the gradient is right for it. The numerical route is trusted only for a forward that behaves
like a smooth function on the probe points (a forward that answers probes differently from the
base point fails it), and is never needed when the forward matches the reference: so the probe
calls are made only for a wrong forward whose gradient misses the reference's. Correct code, and
code whose only bug is in the backward, never runs them.
"""
from __future__ import annotations

import dataclasses
import zlib

import numpy as np

from ..compare import allclose, norm, rtol_for
from ..diagnosis import paths
from ..diagnosis.mistake_ids import value_mistake
from ..diagnosis.shapes import gradient_shape_diagnosis, gradient_shape_message
from ..diagnosis.values import Candidate, explain_mismatch
from ..exercises.base import Case
from ..results import PASS, Finding, Status
from ..runner.calls import Call
from .common import (
    Context,
    Failed,
    backward_blocked,
    case_calls,
    first_failure,
    forward_call,
    forward_output,
    forward_problem,
    gradients,
)

DIRECTIONS = 2
STEP = 1e-5
NUMERIC_TOLERANCE = 1e-6
SMOOTHNESS_TOLERANCE = 1e-6
# Looser than the forward's 1e-6: a forward off by eps-sized amounts (eps outside the square root)
# passes its own check, and its backward, right for it, must not fail for that alone. Real
# gradient bugs give relative errors of 1e-2 and more.
GRADIENT_RTOL = 1e-5


def check(ctx: Context, cases: list[Case]) -> Finding:
    return first_failure(cases, lambda case: check_case(ctx, case))


def _directions(case: Case) -> dict[str, list[np.ndarray]]:
    # Seeded by the case's own (hidden) values: directions are as unpredictable as the inputs.
    seed = zlib.crc32(b"".join(a.tobytes() for a in case.arrays.values()))
    rng = np.random.default_rng(seed)
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
    grads = gradients(outcomes[-1], case)
    student_out = forward_output(forward_outcome, case)
    _check_shapes(case, grads)

    expected = ctx.oracle.backward(case)
    matches = [allclose(g, e, rtol=max(GRADIENT_RTOL, rtol_for(g))) for g, e in zip(grads, expected)]
    if all(matches):
        return PASS
    expected_out = ctx.oracle.forward(case)
    forward_ok = student_out.size == expected_out.size and allclose(student_out.reshape(expected_out.shape),
                                                                    expected_out)
    names = exercise.gradient_names()
    if forward_ok:
        # The hint is about the first wrong gradient; the dashboard counts every one of them.
        index = matches.index(False)
        return dataclasses.replace(_mismatch(ctx, case, index, grads[index], expected[index]),
                                   wrong_gradients=tuple(n for n, ok in zip(names, matches) if not ok))

    # The forward is wrong: judge each gradient that missed the reference against the forward it
    # belongs to, through the probes (the probes are run once; judging them all costs no call).
    probe_calls, probes = ctx.once(_probe_calls, case)
    probe_outs = ctx.run(probe_calls)
    verdicts = [None if matches[index] else
                _numeric_verdict(case, student_out, g, expected[index], name, probes, probe_outs)
                for index, (name, g) in enumerate(zip(case.arrays, grads))]
    judged = [verdict for verdict in verdicts if verdict is not None]
    if not judged:
        return Finding(Status.PASSED, f"Your gradients are right for your {exercise.forward}, but that forward "
                                     f"is wrong (see its check).")
    if judged[0].status is not Status.FAILED:
        return judged[0]           # can't be judged: which gradients are wrong is unknown
    return dataclasses.replace(judged[0], wrong_gradients=tuple(
        n for n, verdict in zip(names, verdicts) if verdict is not None and verdict.status is Status.FAILED))


def _check_shapes(case: Case, grads: tuple[np.ndarray, ...]) -> None:
    """Raise Failed for the first wrong-shaped gradient, naming every wrong-shaped one."""
    wrong = [(name, x, g, grad_name)
             for (name, x), g, grad_name in zip(case.arrays.items(), grads, case.exercise.gradient_names())
             if g.shape != x.shape]
    if not wrong:
        return
    name, x, g, grad_name = wrong[0]
    out_shape = case.dout.shape if name in case.exercise.broadcast else None
    hint, kind = gradient_shape_diagnosis(grad_name, g.shape, name, x.shape, out_shape, case.exercise.gradient_shape)
    raise Failed(Finding(Status.FAILED, gradient_shape_message(grad_name, g.shape, name, x.shape), hint,
                         value_mistake(grad_name, kind), wrong_gradients=tuple(w[3] for w in wrong)))


def _mismatch(ctx: Context, case: Case, index: int, student: np.ndarray, expected: np.ndarray) -> Finding:
    exercise = case.exercise
    grad_name = exercise.gradient_names()[index]
    input_name = list(case.arrays)[index]
    candidates = list(ctx.oracle.mistakes(case, grad_name))
    copies = case.dout.size // max(expected.size, 1) if case.dout is not None else 1
    if input_name in case.broadcast_inputs and copies > 1:
        candidates.append(Candidate(expected / copies, f"{input_name} was broadcast: sum dout over the broadcast "
                                                       "axes; you averaged (mean) instead of summing.",
                                    value_mistake(grad_name, "mean_not_sum")))
    if not exercise.is_loss:
        ignoring_dout = ctx.oracle.backward(case, dout=np.ones_like(case.dout))[index]
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
    return finding


def _numeric_verdict(case: Case, out0: np.ndarray, grad: np.ndarray, reference_grad: np.ndarray, name: str,
                     probes, probe_outs) -> Finding | None:
    """None if `grad` is the numerical gradient of the student's own (smooth) forward.

    A forward that ignores an input the real function depends on (a constant) would make a zero
    gradient "right for it": that earns nothing, since the backward was never really tested.
    """
    exercise = case.exercise
    grad_name = "d" + name
    weight = case.dout if case.dout is not None else 1.0
    base = float(np.sum(out0 * weight))
    for k, (probe_name, u) in enumerate(probes):
        if probe_name != name:
            continue
        plus, minus = probe_outs[2 * k], probe_outs[2 * k + 1]
        try:
            out_plus, out_minus = forward_output(plus, case), forward_output(minus, case)
        except Failed:
            return _unjudgeable(exercise.forward, grad_name)
        if out_plus.shape != out0.shape or out_minus.shape != out0.shape:
            return _unjudgeable(exercise.forward, grad_name)
        l_plus, l_minus = float(np.sum(out_plus * weight)), float(np.sum(out_minus * weight))
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
