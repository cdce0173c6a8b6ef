"""Every question the checks ask the oracle about an exercise's cases, declared in one place.

While grading, checks ask the live oracle (the reference solutions) as they go. A student's release
has no reference: its RecordedOracle replays the answers that `grade release` recorded by asking
the reference each question listed here about the public cases. A check that asks the oracle
something new must add it here; otherwise the release answers "public cases only" where the
instructor's grader gives a verdict (tests/grader/test_release.py compares the two).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ..exercises.base import Exercise
from . import stability, state
from .common import ones_like_dout


@dataclass(frozen=True)
class Question:
    """One call to an oracle: `method` ("forward", "backward", "state_sequence", "mistakes",
    "chain_rule" or "per_example", which the reference's Oracle, the RecordingOracle and the RecordedOracle all
    answer) with `args`."""
    method: str
    args: tuple

    def ask(self, oracle):
        return getattr(oracle, self.method)(*self.args)


def asked_about(exercise: Exercise, case_set) -> Iterator[Question]:
    """The questions the checks can ask about `case_set` (its main and edge cases)."""
    cases = case_set.main + case_set.edge
    if exercise.stability is not None:
        cases.extend(stability.extreme_cases(case_set.main[0]))
    for case in cases:
        yield Question("forward", (case,))
        yield Question("backward", (case,))
        if case.dout is not None:
            # the gradient diagnosis compares with the reference's answer to dout = ones ("ignores dout")
            yield Question("backward", (case, ones_like_dout(case)))
        # a failed check compares the student's results with the declared mistakes and paths
        for value in exercise.value_names():
            yield Question("mistakes", (case, value))
        for grad_name in exercise.gradient_names():
            yield Question("chain_rule", (case, grad_name))
            yield Question("per_example", (case, grad_name))
    if exercise.state is not None:
        for settings in exercise.state.settings:
            yield Question("state_sequence", (exercise, state.expected_calls(case_set.main[0], settings)))
            fresh = state.fresh_calls(case_set.main[0], settings)
            if fresh:
                yield Question("state_sequence", (exercise, fresh))
