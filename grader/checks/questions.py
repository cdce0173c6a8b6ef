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

import numpy as np

from ..exercises.base import Exercise
from . import batchnorm_state, stability

@dataclass(frozen=True)
class Question:
    """One call to an oracle: `method` ("forward", "backward" or "batchnorm_sequence", which the
    reference's Oracle, the RecordingOracle and the RecordedOracle all answer) with `args`."""
    method: str
    args: tuple

    def ask(self, oracle):
        return getattr(oracle, self.method)(*self.args)


def asked_about(exercise: Exercise, case_set) -> Iterator[Question]:
    """The questions the checks can ask about `case_set` (its main and edge cases)."""
    cases = case_set.main + case_set.edge
    if "stability" in exercise.extra_checks:
        cases.extend(stability.extreme_cases(case_set.main[0]))
    for case in cases:
        yield Question("forward", (case,))
        yield Question("backward", (case,))
        if case.dout is not None:
            # the gradient diagnosis compares with the reference's answer to dout = ones ("ignores dout")
            yield Question("backward", (case, np.ones_like(case.dout)))
    if "state" in exercise.extra_checks:
        for settings in batchnorm_state.SETTINGS:
            yield Question("batchnorm_sequence", (exercise, batchnorm_state.expected_calls(case_set.main[0], settings)))
