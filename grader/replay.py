"""The hidden cases of one grading, drawn again from its seed, for staff.

A hidden check's message never shows its inputs (students must not get an answer key), but staff
looking at a failure need them: the cases are a pure function of the seed and the course's case
definitions, so they are rebuilt here exactly as the grading drew them. Only the reference (a
trusted module) runs, to size the upstream gradient; no student code is involved.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import cases as case_sets
from .course import find_course
from .exercises.kinds import Kind
from .oracle import oracle_for


@dataclass(frozen=True)
class ReplayedCase:
    kind: str                          # "main" or "edge": which checks ran on it
    number: int                        # 1-based, within its kind
    label: str                         # the shapes, as the report names them
    inputs: dict[str, np.ndarray]      # in argument order
    extras: dict[str, object]          # the other arguments by name (sum's axis, softmax's y, bn_param)
    dout: np.ndarray | None            # the upstream gradient the backward got (None for a loss)


@dataclass(frozen=True)
class ReplayedExercise:
    name: str                          # "affine"
    functions: tuple[str, ...]         # ("affine_forward", "affine_backward")
    cases: list[ReplayedCase]


def hidden_inputs(assignment: str, seed: int, *, course: str | Path | None = None,
                  functions: set[str] | None = None) -> list[ReplayedExercise]:
    """The hidden cases `grade(..., seed=seed)` ran for `assignment` (only exercises defining one of
    `functions`, when given), in the grader's order."""
    where = find_course(course)
    catalogue = where.catalogue()
    if assignment not in catalogue:
        raise KeyError(f"no assignment {assignment!r}; known: {', '.join(catalogue.names())}")
    oracle = oracle_for([assignment], where)
    out = []
    for exercise in catalogue[assignment]:
        if isinstance(exercise, Kind):      # draws its own inputs as it grades: no cases to replay
            continue
        names = tuple(n for n in (exercise.forward, exercise.backward) if n)
        if functions is not None and not functions & set(names):
            continue
        drawn = case_sets.hidden_cases(exercise, oracle, seed, where.exercises_dir)
        out.append(ReplayedExercise(exercise.name, names, [
            ReplayedCase(kind, number, case.label, dict(case.arrays), _named(exercise.extras, case.extras), case.dout)
            for kind, group in (("main", drawn.main), ("edge", drawn.edge))
            for number, case in enumerate(group, start=1)]))
    return out


def _named(names: tuple[str, ...], extras: tuple) -> dict[str, object]:
    """The extra arguments by the names the exercise declares for them."""
    return {names[i] if i < len(names) else f"argument {i + 1}": value for i, value in enumerate(extras)}
