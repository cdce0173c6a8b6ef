"""`grade validate`: prove an assignment's declarations before students meet them.

For an author: the reference gets full marks on many seeds (sandboxed, hidden checks included);
every declared mistake, applied to the reference, is caught by a check of the right function and
named by its own id (and so is each chain-rule path left out); every edge configuration draws and
runs through the reference; the stub gets zero without a check crashing; every id the declarations
give is described. A declaration that cannot be read is a DeclarationError naming file and line.

A mistake is applied by grading a mutant of the reference: a generated file whose functions call
the reference and, for the result the mistake is about, return the mistake's value computed on the
very inputs of the call. It runs in this process (the reference and the declarations are the
author's trusted code, never a student's).
"""
from __future__ import annotations

import copy
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .cases import hidden_cases, public_cases, work_cases
from .course import Course
from .diagnosis.mistake_ids import catalogue as mistake_catalogue
from .exercises.base import Case, Exercise, Mistake
from .exercises.kinds import Kind
from .oracle import Oracle, load_reference
from .results import Status

SEEDS = 5


@dataclass(frozen=True)
class MistakeRow:
    """One declared mistake (or left-out chain-rule path) applied to the reference."""
    exercise: str
    mistake: str            # the id it must be named by
    of: str                 # the result it is about ("out", "dx", ...)
    function: str           # the student function whose checks must catch it
    caught_by: str | None   # the first check of that function that failed, if any
    named_as: tuple[str, ...]   # the ids that function's failed checks carried

    @property
    def ok(self) -> bool:
        return self.caught_by is not None and self.mistake in self.named_as


@dataclass
class Validation:
    assignment: str
    problems: list[str] = field(default_factory=list)
    reference_scores: list[tuple[int, float, float]] = field(default_factory=list)   # (seed, score, max)
    mistakes: list[MistakeRow] = field(default_factory=list)
    edge_cases: int = 0
    stub_score: tuple[float, float] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and all(row.ok for row in self.mistakes)


def validate(assignment: str, course: Course, *, seeds: int = SEEDS, sandboxed: bool = True) -> Validation:
    """Validate one assignment of `course` (raises DeclarationError for an unreadable declaration)."""
    catalogue = course.catalogue()
    result = Validation(assignment)
    if assignment not in catalogue:
        result.problems.append(catalogue.unknown(assignment))
        return result
    declared = list(catalogue[assignment])
    exercises = [e for e in declared if not isinstance(e, Kind)]    # the forward/backward pairs
    reference_path = course.reference_dir / assignment / f"{assignment}.py"
    if not reference_path.is_file():
        result.problems.append(f"{reference_path} is missing: the reference solution is what validation grades.")
        return result
    if exercises and not _public_cases_declared(exercises, course, result):
        return result
    _check_ids(exercises, result)
    _check_edges(exercises, course, seeds, result)
    _check_reference(assignment, reference_path, course, seeds, sandboxed, result)
    _check_mistakes(assignment, exercises, course, result)
    for kind in (e for e in declared if isinstance(e, Kind)):
        kind.validate(course, seeds, sandboxed, result)   # another kind of exercise proves itself
    _check_stub(assignment, course, result)
    return result


def _public_cases_declared(exercises: list[Exercise], course: Course, result: Validation) -> bool:
    from .cases import public
    path = course.exercises_dir / exercises[0].assignment / "public_cases.json"
    try:
        for exercise in exercises:
            for kind in ("main", "edge"):
                public.configs(exercise.assignment, exercise.name, kind, course.exercises_dir)
    except FileNotFoundError:
        result.problems.append(f"{path} is missing: declare each exercise's public main and edge configurations "
                               'there ({"seed": N, "cases": {"name": {"main": [...], "edge": [...]}}}).')
        return False
    except (KeyError, TypeError, ValueError) as error:
        result.problems.append(f"{path}: no public configurations for {error} (each exercise needs "
                               '"main" and "edge" lists).')
        return False
    return True


def _check_ids(exercises: list[Exercise], result: Validation) -> None:
    """Every id a declared mistake or chain-rule path gives must be described somewhere."""
    known = mistake_catalogue(exercises)
    for exercise in exercises:
        hidden = exercise.hidden
        if hidden is None:
            continue
        used = {m.id for m in hidden.mistakes}
        undescribed = sorted(i for i in used if i not in known)
        if undescribed:
            result.problems.append(f"{exercise.name}: mistake ids {undescribed} have no meaning: describe them in "
                                   "mistake_ids={id: meaning} of its Hidden (or Exercise).")
        wrong_of = sorted({m.of for m in hidden.mistakes} - set(exercise.value_names()))
        if wrong_of:
            result.problems.append(f"{exercise.name}: mistakes are about {wrong_of}, which it does not return "
                                   f"(its results: {', '.join(exercise.value_names())}).")


def _check_edges(exercises: list[Exercise], course: Course, seeds: int, result: Validation) -> None:
    """Every public and hidden configuration draws inputs and runs through the reference, whose
    backward must be the numerical gradient of its forward there (the checks trust it as the
    answer, so nothing else would notice a reference whose two halves disagree)."""
    if not exercises:
        return
    oracle = Oracle.for_assignments([exercises[0].assignment], course.reference_dir)
    for exercise in exercises:
        for seed in range(1, seeds + 1):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("error", RuntimeWarning)   # a NaN in the reference is a problem
                    sets = [public_cases(exercise, oracle, course.exercises_dir)] if seed == 1 else []
                    sets.append(hidden_cases(exercise, oracle, seed, course.exercises_dir))
                    work = work_cases(exercise, oracle, seed)
                    for case in work:
                        _check_work_case(oracle, case)
                    for case in [case for s in sets for case in s.main + s.edge] + work:
                        grads = oracle.backward(case)
                        if not all(np.all(np.isfinite(g)) for g in grads):
                            raise ValueError(f"the reference's gradient is not finite on {case.label}")
                        wrong = _not_numerical_gradient(oracle, case, grads)
                        if wrong:
                            raise ValueError(f"the reference's {wrong} is not the numerical gradient of its "
                                             f"{exercise.forward} on {case.label}")
                        result.edge_cases += 1
            except Exception as error:  # noqa: BLE001 - the author's code on the author's configurations
                result.problems.append(f"{exercise.name}: a configuration fails (seed {seed}): "
                                       f"{type(error).__name__}: {error}")
                break


STEP, TOLERANCE = 1e-6, 1e-5
# A work-bound case (Hidden.work) must be large enough that central differences (two forward calls
# per input element) cannot finish in the per-call deadline, and small enough that the reference's
# forward and backward take a small share of it on a busy machine.
WORK_MIN_ELEMENTS = 20_000
WORK_MAX_SECONDS = 0.1


def _check_work_case(oracle: Oracle, case: Case) -> None:
    elements = sum(a.size for a in case.arrays.values())
    if elements < WORK_MIN_ELEMENTS:
        raise ValueError(f"the work case {case.label} has {elements} input elements: central differences through "
                         f"it would finish in time; give it at least {WORK_MIN_ELEMENTS}")
    seconds = min(_timed(oracle.backward, case) for _ in range(3))     # the best of three: a busy machine
    if seconds > WORK_MAX_SECONDS:
        raise ValueError(f"the reference takes {seconds:.2f} s on the work case {case.label}: a backward by hand "
                         f"must finish it well inside the 2 s call deadline (at most {WORK_MAX_SECONDS} s); "
                         "make it smaller")


def _timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def _not_numerical_gradient(oracle: Oracle, case: Case, grads) -> str | None:
    """The name of the first reference gradient that central differences along a random direction
    contradict, or None. L = sum(out * dout) (a loss: the loss itself)."""
    rng = np.random.default_rng(0)
    weights = case.douts or (1.0,)
    forward = oracle.function(case.exercise, case.exercise.forward)

    def loss(**replace) -> float:       # L = sum over the outputs of sum(out * dout)
        outs = forward(*case.args(**replace))
        return float(sum(np.sum(np.asarray(out) * weight) for out, weight in zip(outs, weights)))
    for (name, x), grad, grad_name in zip(case.arrays.items(), grads, case.exercise.gradient_names()):
        u = rng.normal(size=x.shape)
        numeric = (loss(**{name: x + STEP * u}) - loss(**{name: x - STEP * u})) / (2 * STEP)
        analytic = float(np.sum(grad * u))
        if abs(numeric - analytic) > TOLERANCE * max(np.linalg.norm(grad) * np.linalg.norm(u), abs(numeric), 1.0):
            return grad_name
    return None


def _check_reference(assignment: str, path: Path, course: Course, seeds: int, sandboxed: bool,
                     result: Validation) -> None:
    from .engine import grade
    for seed in range(1, seeds + 1):
        report = grade(path, assignment=assignment, seed=seed, course=course, in_process=not sandboxed,
                       allow_unsandboxed=not sandboxed)
        result.reference_scores.append((seed, report.score, report.max_score))
        if report.score != report.max_score:
            lost = [f"{t.function} / {t.check} ({t.visibility}): {t.output.splitlines()[0] if t.output else t.status}"
                    for t in report.tests if t.score != t.max_score]
            result.problems.append(f"the reference loses points with seed {seed}: " + "; ".join(lost[:5]))
            return


def _check_mistakes(assignment: str, exercises: list[Exercise], course: Course, result: Validation) -> None:
    from .engine import grade
    for exercise in exercises:
        for index, mistake in enumerate(_applicable(exercise, course)):
            function = _function_of(exercise, mistake.of)
            with tempfile.TemporaryDirectory(prefix="grader-validate-") as folder:
                path = Path(folder) / f"{assignment}.py"
                path.write_text(_mutant_source(course, exercises, exercise, index))
                report = grade(path, assignment=assignment, seed=1, course=course, in_process=True,
                               allow_unsandboxed=True)
            failed = [t for t in report.tests if t.function == function and t.status is not Status.PASSED]
            result.mistakes.append(MistakeRow(exercise.name, mistake.id, mistake.of, function,
                                              failed[0].check if failed else None,
                                              tuple(dict.fromkeys(t.mistake for t in failed if t.mistake))))


def _applicable(exercise: Exercise, course: Course) -> list[Mistake]:
    """The exercise's declared mistakes, then one per chain-rule path left out (not the direct one),
    named as the path says (read on the exercise's first public case)."""
    hidden = exercise.hidden
    if hidden is None:
        return []
    mistakes = list(hidden.mistakes)
    if hidden.chain_rule:
        oracle = Oracle.for_assignments([exercise.assignment], course.reference_dir)
        sample = public_cases(exercise, oracle, course.exercises_dir).main[0]
        for grad_name, rule in hidden.chain_rule.items():
            paths = rule.paths(sample)
            for position, path in enumerate(paths):
                if position:
                    mistakes.append(Mistake(path.missing_mistake or path.mistake, grad_name, "",
                                            _without_path(rule, [position])))
            if rule.only_direct is not None and len(paths) > 2:
                mistakes.append(Mistake(rule.only_direct[0], grad_name, "",
                                        _without_path(rule, list(range(1, len(paths))))))
    return mistakes


def _without_path(rule, left_out: list[int]):
    """The gradient as the sum of its paths, but for those at `left_out`."""
    def value(case: Case) -> np.ndarray:
        return sum(p.value for i, p in enumerate(rule.paths(case)) if i not in left_out)
    return value


def _function_of(exercise: Exercise, of: str) -> str:
    return exercise.forward if of in exercise.output_names or exercise.is_loss else exercise.backward


def _check_stub(assignment: str, course: Course, result: Validation) -> None:
    from .engine import grade
    stub = course.exercises_dir / assignment / f"{assignment}.py"
    if not stub.is_file():
        result.problems.append(f"{stub} is missing: students need the stub (grade build-exercises makes it from "
                               "lesson.py).")
        return
    report = grade(stub, assignment=assignment, seed=1, course=course, in_process=True, allow_unsandboxed=True)
    result.stub_score = (report.score, report.max_score)
    crashed = [t for t in report.tests if "failed internally" in (t.output or "")]
    if report.score != 0 or crashed:
        result.problems.append(f"the stub scores {report.score}/{report.max_score}"
                               + (f" and {len(crashed)} check(s) crashed on it" if crashed else "")
                               + ": a stub must get zero, every check saying what to do.")


# --- the mutant: the reference with one declared mistake made --------------------------------------

MUTANT = '''"""The reference with one declared mistake made (grade validate)."""
from grader.validate import mutant_functions

_functions = mutant_functions({root!r}, {assignment!r}, {exercise!r}, {index!r})
{definitions}
'''


def _mutant_source(course: Course, exercises: list[Exercise], exercise: Exercise, index: int) -> str:
    names = [name for other in exercises for name in other.functions]
    definitions = "\n".join(f"def {name}(*args):\n    return _functions[{name!r}](*args)\n" for name in names)
    return MUTANT.format(root=str(course.root), assignment=exercise.assignment, exercise=exercise.name,
                         index=index, definitions=definitions)


def mutant_functions(root: str, assignment: str, exercise_name: str, index: int) -> dict:
    """The assignment's reference functions, with the exercise's `index`-th applicable mistake made."""
    course = Course(Path(root))
    reference = load_reference(assignment, course.reference_dir)
    exercises = course.catalogue()[assignment]
    functions = {name: getattr(reference, name) for other in exercises for name in other.functions}
    exercise = next(e for e in exercises if e.name == exercise_name)
    mistake = _applicable(exercise, course)[index]
    return {**functions, **_made(exercise, mistake, functions)}


def _made(exercise: Exercise, mistake: Mistake, functions: dict) -> dict:
    forward, backward = functions[exercise.forward], functions.get(exercise.backward)

    def case_of(args, dout=None) -> Case:
        named = dict(zip(exercise.parameters, args))
        arrays = {name: named[name] for name in exercise.arrays}
        first = arrays[exercise.arrays[0]]
        batch = int(first.shape[0]) if exercise.batched and getattr(first, "ndim", 0) else None
        return Case(exercise, {}, arrays, tuple(named[name] for name in exercise.extras), dout, "", batch)

    def applies(case: Case) -> bool:
        return mistake.when is None or mistake.when(case)

    def made_forward(*args):
        kept = copy.deepcopy(args)
        *outs, last = forward(*args)
        case = case_of(kept)
        if exercise.is_loss:
            if mistake.of == "loss" and applies(case):
                outs = [mistake.value(case)]
            elif mistake.of != "loss" and applies(case):
                last = mistake.value(case)
            return outs[0], last
        if mistake.of in exercise.output_names and applies(case):
            outs[exercise.output_names.index(mistake.of)] = mistake.value(case)
        return (*outs, (last, kept))

    def made_backward(*douts_and_cache):
        *douts, (inner, kept) = douts_and_cache
        grads = backward(*douts, inner)
        case = case_of(kept, douts[0] if len(douts) == 1 else tuple(douts))
        if mistake.of in exercise.gradient_names() and applies(case):
            single = not isinstance(grads, tuple)
            grads = list((grads,) if single else grads)
            grads[exercise.gradient_names().index(mistake.of)] = mistake.value(case)
            grads = grads[0] if single else tuple(grads)
        return grads

    made = {exercise.forward: made_forward}
    if backward is not None:
        made[exercise.backward] = made_backward
    return made
