"""The course's exercises, read from its declarations.

An assignment is a folder exercises/<assignment>/ holding a declaration, assignment.py, whose
EXERCISES list declares the assignment's exercises in order (grader.exercises.base.Exercise). Its
instructor-only half, reference/<assignment>/hidden.py, maps exercise names to Hidden (hidden
shapes, known mistakes, chain-rule paths); a student's release has none.

Declarations are the instructor's code: they are executed here, in the trusted grader process,
never in a student's worker. A declaration that cannot be read is a DeclarationError naming the
file and line, and saying what to fix.
"""
from __future__ import annotations

import dataclasses
import functools
import importlib.util
import sys
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .base import Exercise, Hidden
from .kinds import Kind

DECLARATION_FILE = "assignment.py"
HIDDEN_FILE = "hidden.py"


class DeclarationError(Exception):
    """A declaration that cannot be used; the message names the file (and line) and the fix."""


@dataclass(frozen=True)
class Catalogue:
    """Every assignment of a course, with its exercises in declaration order (an exercise is an
    Exercise, a forward/backward pair, or another Kind: grader.exercises.kinds)."""
    assignments: dict[str, tuple[Exercise | Kind, ...]]
    exercises_dir: Path | None = None

    def __contains__(self, assignment: str) -> bool:
        return assignment in self.assignments

    def __getitem__(self, assignment: str) -> tuple[Exercise, ...]:
        return self.assignments[assignment]

    def names(self) -> list[str]:
        return sorted(self.assignments)

    def exercises(self) -> list[Exercise]:
        return [exercise for name in self.names() for exercise in self.assignments[name]]

    def functions(self, assignment: str | None = None) -> set[str]:
        """Every student function of `assignment` (of every assignment when None or unknown)."""
        exercises = self.assignments.get(assignment) if assignment else None
        return {f for exercise in (exercises or self.exercises()) for f in exercise.functions}

    def defining(self, names: set[str]) -> list[Exercise]:
        """Exercises any of whose student functions appear in `names`.

        A function several exercises share (CS231n's batchnorm_forward is the forward of both
        batchnorm_backward and batchnorm_backward_alt, in two assignments) selects only the exercises
        whose own functions appear too; when none does, the one whose assignment the names fit best."""
        exercises = self.exercises()
        owners = Counter(f for exercise in exercises for f in exercise.functions)
        chosen = [e for e in exercises if names & {f for f in e.functions if owners[f] == 1}]
        for name in sorted(n for n in names if owners[n] > 1):
            if not any(name in e.functions for e in chosen):
                sharing = [e for e in exercises if name in e.functions]
                chosen.append(max(sharing, key=lambda e: len(names & self.functions(e.assignment))))
        return [e for e in exercises if e in chosen]

    def unknown(self, assignment: str) -> str:
        """The message for an assignment this course does not have."""
        if self.assignments:
            return f"unknown assignment {assignment!r}; choose one of: {', '.join(self.names())}"
        return (f"unknown assignment {assignment!r}: the course declares none (an assignment is a folder "
                f"{self.exercises_dir or 'exercises'}/<name>/ holding {DECLARATION_FILE}; see "
                "docs/authoring-exercises.md)")


def load_catalogue(exercises_dir: Path, reference_dir: Path) -> Catalogue:
    """The catalogue of the course whose folders these are (read again when a declaration changes)."""
    exercises_dir, reference_dir = Path(exercises_dir), Path(reference_dir)
    folders = sorted(p for p in exercises_dir.iterdir() if (p / DECLARATION_FILE).is_file()) \
        if exercises_dir.is_dir() else []
    versions = tuple((str(path), *_version(path)) for folder in folders
                     for path in (folder / DECLARATION_FILE, reference_dir / folder.name / HIDDEN_FILE))
    return dataclasses.replace(_load(versions), exercises_dir=exercises_dir)


def _version(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return (-1, -1)
    return (stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _load(versions: tuple) -> Catalogue:
    assignments = {}
    for (public, *_), (hidden, mtime, _size) in zip(versions[::2], versions[1::2]):
        public = Path(public)
        name = public.parent.name
        exercises = _exercises(public, name)
        if mtime != -1:
            exercises = _with_hidden(exercises, Path(hidden))
        assignments[name] = tuple(exercises)
    return Catalogue(assignments)


def _exercises(path: Path, assignment: str) -> list[Exercise]:
    declared = _run(path, f"_grader_declaration_{assignment}").get("EXERCISES")
    if not isinstance(declared, (list, tuple)) or not declared:
        raise DeclarationError(f"{path}: define EXERCISES = [Exercise(...), ...], the assignment's exercises in "
                               "order (see docs/authoring-exercises.md).")
    exercises, seen = [], set()
    for position, exercise in enumerate(declared):
        if not isinstance(exercise, (Exercise, Kind)):
            raise DeclarationError(f"{path}: EXERCISES[{position}] is a {type(exercise).__name__}, not an Exercise "
                                   "(from grader.declare import Exercise) or another kind of exercise.")
        problem = _problem(exercise) if isinstance(exercise, Exercise) else _kind_problem(exercise)
        if problem:
            raise DeclarationError(f"{path}: exercise {exercise.name!r}: {problem}")
        if exercise.name in seen:
            raise DeclarationError(f"{path}: two exercises are named {exercise.name!r}; names must be unique.")
        seen.add(exercise.name)
        exercises.append(dataclasses.replace(exercise, assignment=assignment))
    return exercises


def _problem(exercise: Exercise) -> str | None:
    """What is wrong with an exercise's own fields, or None."""
    if not exercise.name.isidentifier():
        return "its name must be a Python identifier (it names its cases and mistakes)"
    if not exercise.arrays:
        return "declare at least one differentiable input in arrays=(...)"
    if not callable(exercise.make_inputs):
        return "make_inputs must be a function make_inputs(rng, config) -> (arrays, extras)"
    unknown = set(exercise.broadcast) - set(exercise.arrays)
    if unknown:
        return f"broadcast names {sorted(unknown)}, which are not among its arrays {exercise.arrays}"
    if exercise.signature and sorted(exercise.signature) != sorted((*exercise.arrays, *exercise.extras)):
        return (f"signature {exercise.signature} must list its arrays {exercise.arrays} and extras "
                f"{exercise.extras}, each once, in call order")
    if exercise.state is not None and exercise.parameters[-1] != exercise.state.param:
        return f"the state's parameter dict {exercise.state.param!r} must be the forward's last argument"
    return None


def _kind_problem(kind: Kind) -> str | None:
    if not str(kind.name).isidentifier():
        return "its name must be a Python identifier (it names its tests and mistakes)"
    try:
        functions = kind.functions
    except Exception as error:  # noqa: BLE001 - the author's property, reported as their mistake
        return f"its functions cannot be read ({type(error).__name__}: {error})"
    if not functions:
        return "it grades no student function: its `functions` is empty"
    return kind.problem()


def _with_hidden(exercises: list[Exercise], path: Path) -> list[Exercise]:
    hidden = _run(path, f"_grader_hidden_{path.parent.name}").get("HIDDEN")
    if not isinstance(hidden, dict):
        raise DeclarationError(f"{path}: define HIDDEN = {{'exercise name': Hidden(...), ...}}.")
    names = {exercise.name for exercise in exercises}
    for name, value in hidden.items():
        if name not in names:
            raise DeclarationError(f"{path}: HIDDEN names {name!r}, which is not an exercise of "
                                   f"{path.parent.name} (its exercises: {', '.join(sorted(names))}).")
        wanted = _hidden_type(next(e for e in exercises if e.name == name))
        if wanted is None:
            raise DeclarationError(f"{path}: HIDDEN names {name!r}, an exercise of a kind that has no hidden half.")
        if not isinstance(value, wanted):
            raise DeclarationError(f"{path}: HIDDEN[{name!r}] is a {type(value).__name__}, not a {wanted.__name__}.")
    return [dataclasses.replace(exercise, hidden=hidden.get(exercise.name)) for exercise in exercises]


def _hidden_type(exercise: Exercise | Kind) -> type | None:
    return Hidden if isinstance(exercise, Exercise) else exercise.hidden_type


def _run(path: Path, module_name: str) -> dict:
    """Execute a declaration file as a module of its own; its namespace."""
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module   # dataclasses and pickling-free introspection look it up by name
    try:
        code = compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
        exec(code, module.__dict__)
    except SyntaxError as error:
        raise DeclarationError(f"{path}, line {error.lineno}: syntax error: {error.msg}") from None
    except Exception as error:  # noqa: BLE001 - an author's mistake becomes a message naming its line
        raise DeclarationError(f"{path}, line {_line_in(path, error)}: {type(error).__name__}: {error}") from None
    return module.__dict__


def _line_in(path: Path, error: BaseException) -> int | str:
    """The line of `path` where `error` was raised (the innermost frame in that file)."""
    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__) if frame.filename == str(path)]
    return lines[-1] if lines else "?"
