"""The checks, as data: which check runs on which student function, on which cases, for how much.

Each check lives in its own module and returns a Finding; this table says where it applies.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..exercises.base import Exercise
from . import cache_reuse, conventions, dtypes, forward_values, gradients, mutation, rejections, stability, state


@dataclass(frozen=True)
class CheckSpec:
    name: str
    target: str                  # "forward" or "backward": which student function it is about
    run: Callable                # run(ctx, cases) -> Finding
    plan: Callable               # plan(ctx, cases) -> the batches of calls `run` makes if every case passes
    cases: str = "main"          # "main" or "edge"
    weight: float = 1.0
    hidden_too: bool = False     # also run on the hidden cases (else public cases only)
    needs: str | None = None     # an exercise.extra_checks entry this check requires
    for_loss: bool | None = None  # True: only loss exercises; False: only forward/backward pairs
    # A check that tests the same computation on harder inputs waits for the main check: while
    # that fails, this one reports "not checked" instead of a second message for the same bug.
    after: str | None = None
    # A check that any function passes (a constant has the right dtype and mutates nothing) only
    # earns its points once the main check passes: no credit for code that does not work yet.
    credit_after: str | None = None
    # Also run the work-bound cases (Hidden.work), after the main ones.
    work: bool = False

    def cases_of(self, case_set) -> list:
        """The cases this check runs from a CaseSet."""
        cases = case_set.main if self.cases == "main" else case_set.edge
        return cases + case_set.work if self.work else cases


CHECKS: list[CheckSpec] = [
    CheckSpec("forward", "forward", forward_values.check, forward_values.plan, weight=2, hidden_too=True,
              for_loss=False),
    CheckSpec("loss", "forward", forward_values.check, forward_values.plan, weight=2, hidden_too=True, for_loss=True),
    CheckSpec("edge cases", "forward", forward_values.check, forward_values.plan, cases="edge", hidden_too=True,
              after="main"),
    CheckSpec("dtype", "forward", dtypes.check_forward, dtypes.plan_forward, weight=0.5, for_loss=False,
              credit_after="main"),
    CheckSpec("no input mutation", "forward", mutation.check_forward, mutation.plan_forward, weight=0.5,
              credit_after="main"),
    CheckSpec("stability", "forward", stability.check_forward, stability.plan_forward, needs="stability",
              after="main"),
    CheckSpec("running statistics", "forward", state.check, state.plan, weight=2, needs="state"),
    # Small: refusing a bad argument is the docstring's contract, not the computation.
    CheckSpec("invalid arguments", "forward", rejections.check, rejections.plan, weight=0.5, needs="rejects",
              credit_after="main"),
    # A backward that cannot finish a large case in time does per-element work (central differences
    # through a copy of the forward): it fails this check, and so earns nothing for the backward.
    CheckSpec("gradient", "backward", gradients.check, gradients.plan, weight=2, hidden_too=True, work=True),
    CheckSpec("gradient edge cases", "backward", gradients.check, gradients.plan, cases="edge", hidden_too=True,
              after="gradient"),
    CheckSpec("dtype", "backward", dtypes.check_backward, dtypes.plan_backward, weight=0.5, credit_after="gradient"),
    CheckSpec("no dout mutation", "backward", mutation.check_backward, mutation.plan_backward, weight=0.5,
              for_loss=False, credit_after="gradient"),
    CheckSpec("cache reuse", "backward", cache_reuse.check, cache_reuse.plan, weight=0.5, for_loss=False,
              credit_after="gradient"),
    # A backward that is wrong (or numerical) away from the kinks earns nothing for its kinks.
    CheckSpec("convention at kinks", "backward", conventions.check, conventions.plan, needs="convention",
              credit_after="gradient"),
    CheckSpec("gradient stability", "backward", stability.check_backward, stability.plan_backward,
              needs="stability", after="gradient"),
]


def checks_for(exercise: Exercise) -> list[CheckSpec]:
    """The checks that apply to an exercise, in report order."""
    return [c for c in CHECKS
            if (c.needs is None or c.needs in exercise.extra_checks)
            and (c.for_loss is None or c.for_loss == exercise.is_loss)]


def target_function(spec: CheckSpec, exercise: Exercise) -> str:
    """The student function a check is about (a loss's gradient belongs to the loss function)."""
    if spec.target == "backward" and not exercise.is_loss:
        return exercise.backward
    return exercise.forward
