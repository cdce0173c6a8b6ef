"""Recorded answers: the checks declare their questions, the recording answers each of them."""
from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from grader.cases import public_cases
from grader.checks.questions import asked_about
from grader.course import find_course
from grader.exercises import catalogue
from grader.exercises.kinds import is_kind
from grader.oracle import Oracle, ReferenceMissing
from grader.recorded_oracle import RecordedOracle, record_public_answers

ROOT = Path(__file__).resolve().parents[2]
# The assignments of forward/backward pairs: another kind of exercise (a staged graph) asks no
# questions of an oracle and records its own answers (Kind.record_public).
ASSIGNMENTS = {name: exercises for name, exercises in catalogue(ROOT).assignments.items()
               if not any(is_kind(exercise) for exercise in exercises)}


def same(replayed, expected) -> bool:
    """Equal arrays and texts throughout (a declared mistake, a chain-rule path: field by field); a
    recorded dict holds only the keys the checks read."""
    if dataclasses.is_dataclass(replayed):
        return type(replayed) is type(expected) and all(
            same(getattr(replayed, f.name), getattr(expected, f.name)) for f in dataclasses.fields(replayed))
    if isinstance(replayed, str) or replayed is None:
        return replayed == expected
    if isinstance(replayed, dict):
        return all(same(value, expected[key]) for key, value in replayed.items())
    if isinstance(replayed, (tuple, list)):
        return len(replayed) == len(expected) and all(same(r, e) for r, e in zip(replayed, expected))
    return np.array_equal(np.asarray(replayed), np.asarray(expected), equal_nan=True)


def test_the_recorded_oracle_knows_nothing_of_the_checks():
    code = ("import sys, grader.recorded_oracle; "
            "print(sorted(m for m in sys.modules if m.startswith('grader.checks')))")
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


# Assignments of forward/backward pairs (another kind records its own answers: tests/grader/test_kinds.py).
PAIRS = sorted(a for a, exercises in ASSIGNMENTS.items() if not any(is_kind(e) for e in exercises))


@pytest.mark.parametrize("assignment", PAIRS)
def test_every_declared_question_about_the_public_cases_is_answered_as_the_reference_does(assignment):
    course = find_course(ROOT)
    reference = Oracle.for_assignments([assignment], course.reference_dir)
    recorded = RecordedOracle(record_public_answers(ASSIGNMENTS[assignment], reference, course, asked_about))
    asked = named = 0
    for exercise in ASSIGNMENTS[assignment]:
        case_set = public_cases(exercise, reference, course.exercises_dir)
        for question in asked_about(exercise, case_set):
            expected, replayed = question.ask(reference), question.ask(recorded)
            assert same(replayed, expected), question.method
            asked += 1
            named += question.method in ("mistakes", "chain_rule") and bool(expected and expected[0])
        first = case_set.main[0]
        hidden_like = dataclasses.replace(first, arrays={k: v + 0.125 for k, v in first.arrays.items()})
        with pytest.raises(ReferenceMissing):
            recorded.forward(hidden_like)          # anything else has no answer
    assert asked > 3 * len(ASSIGNMENTS[assignment])
    assert named > 0            # the declared mistakes and paths were recorded, not only asked
