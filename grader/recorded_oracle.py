"""Answers recorded from the reference on the public cases, for a grader without reference/.

A student's release has no reference solutions, yet its public checks need expected values. They
are recorded here once (`record_public_answers`) by asking the reference every question the checks
can ask about the public cases, and replayed by `RecordedOracle`, which knows nothing else: a
hidden case has no answer, so a release can only run public checks. The exercises' declared
mistakes and chain-rule paths are answers too: the release has their values on the public cases,
never the hidden declaration that computes them.
"""
from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from .course import Course, ReferenceMissing
from .diagnosis.values import Candidate
from .exercises.base import Case, Exercise, Path as ChainPath
from .exercises.kinds import Kind

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


def _about_key(kind: str, case: Case, name: str) -> str:
    """A question about one result of a case (its declared mistakes, its chain-rule paths)."""
    return question_key(kind, case.exercise, list(case.arrays.values()), case.extras, case.dout, name)


def _texts(value) -> np.ndarray:
    """Text kept beside recorded arrays (hints, ids), as a 0-d unicode array: no pickle needed."""
    return np.asarray(json.dumps(value))


class RecordingOracle:
    """Wraps the reference oracle and writes down every answer it gives."""

    public_only = False

    def __init__(self, inner):
        self.inner = inner
        self.answers: dict[str, np.ndarray] = {}

    def forward(self, case: Case):
        out = self.inner.forward(case)
        if isinstance(out, tuple):         # a layer with several outputs
            for i, part in enumerate(out):
                self.answers[f"{_forward_key(case)}/{i}"] = part
        else:
            self.answers[_forward_key(case)] = out
        return out

    def backward(self, case: Case, dout=None) -> tuple[np.ndarray, ...]:
        grads = self.inner.backward(case, dout)
        key = _backward_key(case, case.dout if dout is None else dout)
        for i, g in enumerate(grads):
            self.answers[f"{key}/{i}"] = g
        self.answers[f"{key}/n"] = np.asarray(len(grads))
        return grads

    def state_sequence(self, exercise: Exercise, calls: list[tuple]):
        results = self.inner.state_sequence(exercise, calls)
        key = question_key("state_sequence", exercise, calls)
        for i, (out, param) in enumerate(results):
            self.answers[f"{key}/{i}/out"] = out
            for name in exercise.state.keys:
                if name in param:       # a call that only reads the state may leave it absent
                    self.answers[f"{key}/{i}/{name}"] = np.asarray(param[name])
        self.answers[f"{key}/n"] = np.asarray(len(results))
        return results

    def mistakes(self, case: Case, of: str) -> list[Candidate]:
        candidates = self.inner.mistakes(case, of)
        key = _about_key("mistakes", case, of)
        for i, candidate in enumerate(candidates):
            self.answers[f"{key}/{i}"] = np.asarray(candidate.value)
        self.answers[f"{key}/text"] = _texts([[c.hint, c.mistake] for c in candidates])
        return candidates

    def chain_rule(self, case: Case, grad_name: str):
        paths, only_direct, per_column = self.inner.chain_rule(case, grad_name)
        key = _about_key("chain_rule", case, grad_name)
        for i, path in enumerate(paths):
            self.answers[f"{key}/{i}"] = np.asarray(path.value)
        self.answers[f"{key}/text"] = _texts({
            "paths": [[p.name, p.missing_hint, p.mistake, p.missing_mistake] for p in paths],
            "only_direct": list(only_direct) if only_direct else None, "per_column": per_column})
        return paths, only_direct, per_column

    def per_example(self, case: Case, grad_name: str):
        found = self.inner.per_example(case, grad_name)
        self.answers[_about_key("per_example", case, grad_name)] = _texts(list(found) if found else None)
        return found


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

    def kind_answers(self, kind) -> dict[str, np.ndarray]:
        """The answers another kind of exercise recorded for itself (Kind.record_public)."""
        prefix = _kind_prefix(kind)
        return {key[len(prefix):]: value for key, value in self.answers.items() if key.startswith(prefix)}

    def _get(self, key: str) -> np.ndarray:
        try:
            return self.answers[key]
        except KeyError:
            raise ReferenceMissing("this grader has answers for the public cases only") from None

    def forward(self, case: Case):
        key = _forward_key(case)
        if case.exercise.outputs:
            return tuple(self._get(f"{key}/{i}") for i in range(len(case.exercise.outputs)))
        return self._get(key)

    def backward(self, case: Case, dout=None) -> tuple[np.ndarray, ...]:
        key = _backward_key(case, case.dout if dout is None else dout)
        return tuple(self._get(f"{key}/{i}") for i in range(int(self._get(f"{key}/n"))))

    def state_sequence(self, exercise: Exercise, calls: list[tuple]):
        key = question_key("state_sequence", exercise, calls)
        return [(self._get(f"{key}/{i}/out"),
                 {name: self._get(f"{key}/{i}/{name}") for name in exercise.state.keys
                  if f"{key}/{i}/{name}" in self.answers})
                for i in range(int(self._get(f"{key}/n")))]

    def mistakes(self, case: Case, of: str) -> list[Candidate]:
        key = _about_key("mistakes", case, of)
        texts = json.loads(str(self._get(f"{key}/text")))
        return [Candidate(self._get(f"{key}/{i}"), hint, mistake) for i, (hint, mistake) in enumerate(texts)]

    def chain_rule(self, case: Case, grad_name: str):
        key = _about_key("chain_rule", case, grad_name)
        texts = json.loads(str(self._get(f"{key}/text")))
        paths = [ChainPath(name, self._get(f"{key}/{i}"), hint, mistake, missing)
                 for i, (name, hint, mistake, missing) in enumerate(texts["paths"])]
        # Answers recorded before per_column existed have no such entry: no per-column fit.
        return paths, tuple(texts["only_direct"]) if texts["only_direct"] else None, bool(texts.get("per_column"))

    def per_example(self, case: Case, grad_name: str):
        found = json.loads(str(self._get(_about_key("per_example", case, grad_name))))
        return tuple(found) if found else None


def record_public_answers(exercises: Iterable[Exercise | Kind], reference_oracle, course: Course,
                          questions: Callable[[Exercise, object], Iterable]) -> dict[str, np.ndarray]:
    """Ask the reference every question the public checks can ask, and keep the answers.

    `questions(exercise, case_set)` lists them (grader.checks.questions.asked_about): the checks
    declare what they ask, so this module needs to know nothing about any check. Another kind of
    exercise records its own (Kind.record_public), kept under its name."""
    from .cases import public_cases

    recorder = RecordingOracle(reference_oracle)
    # As while grading (grader.engine): a declared mistake computed on an edge case may warn.
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for exercise in exercises:
            if isinstance(exercise, Kind):
                prefix = _kind_prefix(exercise)
                recorder.answers.update({prefix + key: np.asarray(value)
                                         for key, value in exercise.record_public(course).items()})
                continue
            for question in questions(exercise, public_cases(exercise, recorder, course.exercises_dir)):
                question.ask(recorder)
    return recorder.answers


def _kind_prefix(kind: Kind) -> str:
    return f"kind:{kind.assignment}:{kind.name}/"


def write_answers(answers: dict[str, np.ndarray], path: Path) -> None:
    np.savez_compressed(path, **answers)
