"""Conventions at the kinks, tested exactly (numerical gradients stay away from them).

Where the kinks are and which gradients are accepted there is the exercise's own
(grader.exercises.base.Convention): ReLU at x == 0 accepts any dx between 0 and dout; max at a tie
accepts any split of dout between a and b that adds up to dout; max pooling at a tied maximum any
split of the window's dout, or that dout to each tied maximum (the mask CS231n solutions use); the SVM
loss at a margin of exactly 0 any share of the hinge's step, the correct class's entry balancing it.
"""
from __future__ import annotations

import dataclasses

from ..diagnosis.mistake_ids import value_mistake
from ..diagnosis.shapes import fmt
from ..exercises.base import Case
from ..results import Finding, Status
from ..runner.calls import Call
from .common import (
    Context,
    Failed,
    backward_only,
    gradients,
    plan_after_forward,
    run_after_forward,
)


def _with_kinks(case: Case) -> Case:
    """The case with the exercise's kinks planted (exact zeros, exact ties)."""
    return dataclasses.replace(case, arrays=case.exercise.convention.plant(case))


def plan(ctx: Context, cases: list[Case]) -> list[list[Call]]:
    return plan_after_forward(ctx, [ctx.once(_with_kinks, cases[0])], backward_only)


def check(ctx: Context, cases: list[Case]) -> Finding:
    case = ctx.once(_with_kinks, cases[0])
    exercise = case.exercise
    try:
        forward, rest = run_after_forward(ctx, case, backward_only)
        grads = gradients(forward if exercise.is_loss else rest[0], case)   # a loss gives its gradient itself
    except Failed as failed:
        return failed.finding
    for grad, grad_name, (name, x) in zip(grads, exercise.gradient_names(), case.arrays.items()):
        if grad.shape != x.shape:
            # a loss (backward None) returns its gradient from the forward: name the function that returned it
            return Finding(Status.FAILED, f"{exercise.backward or exercise.forward} returned gradients of the wrong "
                           "shape (see its gradient check)",
                           f"{grad_name} must have exactly {name}'s shape {fmt(x.shape)} (it has {fmt(grad.shape)}).",
                           value_mistake(grad_name, "wrong_shape"))
    return exercise.convention.judge(case, grads)
