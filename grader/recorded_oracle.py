"""Answers recorded from the reference on the public cases, for a grader without reference/.

A student's release has no reference solutions, yet its public checks need expected values. They
are recorded here once (`record_public_answers`) by asking the reference every question the checks
can ask about the public cases, and replayed by `RecordedOracle`, which knows nothing else: a
hidden case has no answer, so a release can only run public checks.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from .exercises import ASSIGNMENTS
from .exercises.base import Case, Exercise
from .oracle import ReferenceMissing

ANSWERS_FILE = "public_answers.npz"


def _digest_into(h, value) -> None:
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        array = np.ascontiguousarray(value)
        h.update(f"nd:{array.dtype.str}:{array.shape}:".encode())
        h.update(array.tobytes())
    elif isinstance(value, dict):
        h.update(b"dict:")
        for key in sorted(value):
            h.update(json.dumps(key).encode())
            _digest_into(h, value[key])
    elif isinstance(value, (tuple, list)):
        h.update(f"seq:{len(value)}:".encode())
        for item in value:
            _digest_into(h, item)
    else:
        h.update(f"{type(value).__name__}:{value!r};".encode())


def question_key(kind: str, exercise: Exercise, *parts) -> str:
    """A stable name for one question to the oracle, from everything its answer depends on."""
    h = hashlib.sha256(f"{kind}:{exercise.name}:".encode())
    for part in parts:
        _digest_into(h, part)
    return h.hexdigest()[:32]


def _forward_key(case: Case) -> str:
    return question_key("forward", case.exercise, list(case.arrays.values()), case.extras)


def _backward_key(case: Case, dout) -> str:
    return question_key("backward", case.exercise, list(case.arrays.values()), case.extras, dout)


class RecordingOracle:
    """Wraps the reference oracle and writes down every answer it gives."""

    public_only = False

    def __init__(self, inner):
        self.inner = inner
        self.answers: dict[str, np.ndarray] = {}

    def forward(self, case: Case) -> np.ndarray:
        out = self.inner.forward(case)
        self.answers[_forward_key(case)] = out
        return out

    def backward(self, case: Case, dout=None) -> tuple[np.ndarray, ...]:
        grads = self.inner.backward(case, dout)
        key = _backward_key(case, case.dout if dout is None else dout)
        for i, g in enumerate(grads):
            self.answers[f"{key}/{i}"] = g
        self.answers[f"{key}/n"] = np.asarray(len(grads))
        return grads

    def batchnorm_sequence(self, exercise: Exercise, calls: list[tuple]):
        results = self.inner.batchnorm_sequence(exercise, calls)
        key = question_key("batchnorm_sequence", exercise, calls)
        for i, (out, param) in enumerate(results):
            self.answers[f"{key}/{i}/out"] = out
            for name in ("running_mean", "running_var"):
                self.answers[f"{key}/{i}/{name}"] = np.asarray(param[name])
        self.answers[f"{key}/n"] = np.asarray(len(results))
        return results


class RecordedOracle:
    """Replays recorded answers; any other question raises ReferenceMissing."""

    public_only = True

    def __init__(self, answers):
        self.answers = answers

    @classmethod
    def load(cls, paths: list[Path]) -> "RecordedOracle":
        answers = {}
        for path in paths:
            with np.load(path, allow_pickle=False) as data:
                answers.update({key: data[key] for key in data.files})
        return cls(answers)

    def _get(self, key: str) -> np.ndarray:
        try:
            return self.answers[key]
        except KeyError:
            raise ReferenceMissing("this grader has answers for the public cases only") from None

    def forward(self, case: Case) -> np.ndarray:
        return self._get(_forward_key(case))

    def backward(self, case: Case, dout=None) -> tuple[np.ndarray, ...]:
        key = _backward_key(case, case.dout if dout is None else dout)
        return tuple(self._get(f"{key}/{i}") for i in range(int(self._get(f"{key}/n"))))

    def batchnorm_sequence(self, exercise: Exercise, calls: list[tuple]):
        key = question_key("batchnorm_sequence", exercise, calls)
        return [(self._get(f"{key}/{i}/out"),
                 {name: self._get(f"{key}/{i}/{name}") for name in ("running_mean", "running_var")})
                for i in range(int(self._get(f"{key}/n")))]


def record_public_answers(assignment: str, reference_oracle, exercises_dir: Path,
                          questions: Callable[[Exercise, object], Iterable]) -> dict[str, np.ndarray]:
    """Ask the reference every question the public checks can ask, and keep the answers.

    `questions(exercise, case_set)` lists them (grader.checks.questions.asked_about): the checks
    declare what they ask, so this module needs to know nothing about any check."""
    from .cases import public_cases

    recorder = RecordingOracle(reference_oracle)
    for exercise in ASSIGNMENTS[assignment]:
        for question in questions(exercise, public_cases(exercise, recorder, exercises_dir)):
            question.ask(recorder)
    return recorder.answers


def write_answers(answers: dict[str, np.ndarray], path: Path) -> None:
    np.savez_compressed(path, **answers)
