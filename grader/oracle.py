"""The reference solutions, called in the trusted grader process to produce expected answers.

reference/ is read from the course directory by path (never installed as a package), so a
student's worker cannot import it. Without reference/ (a student's release) no oracle exists and
only checks that need none can run.
"""
from __future__ import annotations

import copy
import functools
import importlib.util
import weakref
from pathlib import Path
from types import CodeType, ModuleType

import numpy as np

from .course import Course, ReferenceMissing
from .diagnosis.mistakes import declared_candidates
from .diagnosis.values import Candidate
from .exercises.base import Case, Exercise, Path as ChainPath

__all__ = ["Oracle", "ReferenceMissing", "load_reference", "oracle_for"]


def load_reference(assignment: str, reference_dir: Path) -> ModuleType:
    """A fresh module of the reference solution, per grade (nothing one grade's oracle did can
    reach the next one's)."""
    path = reference_dir / assignment / f"{assignment}.py"
    if not path.is_file():
        raise ReferenceMissing(f"no reference solution at {path}")
    spec = importlib.util.spec_from_file_location(f"_grader_reference_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    stat = path.stat()
    exec(_compiled(str(path), stat.st_mtime_ns, stat.st_size), module.__dict__)
    return module


@functools.lru_cache(maxsize=32)
def _compiled(path: str, mtime_ns: int, size: int) -> CodeType:
    """The reference's code object, compiled once per version of the file: a server's worker would
    otherwise compile it for every grade (where bytecode is not written, as in the Docker image)."""
    return compile(Path(path).read_bytes(), path, "exec", dont_inherit=True)


def oracle_for(assignments, course: Course):
    """The reference's oracle where the course has reference/, else its recorded public answers."""
    if all(course.has_reference(a) for a in assignments):
        return Oracle.for_assignments(assignments, course.reference_dir)
    from .recorded_oracle import ANSWERS_FILE, RecordedOracle
    paths = [course.exercises_dir / a / ANSWERS_FILE for a in assignments]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        raise ReferenceMissing(f"no reference solutions in {course.reference_dir} and no recorded answers "
                               f"at {missing[0]}")
    return RecordedOracle.load(paths)


class Oracle:
    """Expected forward outputs and gradients for cases, from the reference module."""

    public_only = False   # it can answer any case, hidden ones too

    def __init__(self, modules: dict[str, ModuleType]):
        self.modules = modules
        # id(case) -> (weak reference to the case, its output): a case's expected output is asked
        # for when its dout is drawn and again by the checks. An entry goes when its case does, so
        # an oracle that serves many grades holds only the living cases' outputs.
        self._outputs: dict[int, tuple[weakref.ref, np.ndarray]] = {}

    @classmethod
    def for_assignments(cls, assignments, reference_dir: Path) -> "Oracle":
        return cls({a: load_reference(a, reference_dir) for a in assignments})

    def function(self, exercise: Exercise, name: str):
        """The reference's function `name` of the exercise's assignment."""
        return getattr(self.modules[exercise.assignment], name)

    def forward(self, case: Case) -> np.ndarray | tuple[np.ndarray, ...]:
        """The forward output (for a loss: the loss, as a 0-d array; for a layer with several
        outputs: a tuple of them), computed once per case; callers read it and never write into it."""
        key = id(case)
        known = self._outputs.get(key)
        if known is None or known[0]() is not case:
            exercise = case.exercise
            result = self.function(exercise, exercise.forward)(*case.args())
            forget = functools.partial(self._outputs.pop, key, None)
            if exercise.outputs:
                value = tuple(np.asarray(out, dtype=np.float64) for out in result[:len(exercise.outputs)])
            else:
                value = np.asarray(result[0], dtype=np.float64)
            known = (weakref.ref(case, lambda _: forget()), value)
            self._outputs[key] = known
        return known[1]

    def results(self, case: Case, backward: bool, dout=None) -> tuple[np.ndarray, ...]:
        """Everything a diagnosis compares, in order: a layer's gradients (`backward`, with `dout`
        as backward() takes it) or its forward outputs; a loss's (loss, dx) either way."""
        if backward and not case.exercise.is_loss:
            return self.backward(case, dout=dout)
        outs = self.forward(case)
        outs = outs if isinstance(outs, tuple) else (outs,)
        return (*outs, *self.backward(case)) if case.exercise.is_loss else outs

    def backward(self, case: Case, dout=None) -> tuple[np.ndarray, ...]:
        """Gradients with respect to case.arrays, in order; `dout` (an array, or a tuple for
        several outputs) defaults to the case's."""
        exercise = case.exercise
        if exercise.is_loss:
            _, dx = self.function(exercise, exercise.forward)(*case.args())
            return (np.asarray(dx, dtype=np.float64),)
        *_, cache = self.function(exercise, exercise.forward)(*case.args())
        dout = case.dout if dout is None else dout
        douts = dout if isinstance(dout, tuple) else (dout,)
        grads = self.function(exercise, exercise.backward)(*douts, cache)
        grads = grads if isinstance(grads, tuple) else (grads,)
        return tuple(np.asarray(g, dtype=np.float64) for g in grads)

    def state_sequence(self, exercise: Exercise, calls: list[tuple]) -> list[tuple[np.ndarray, dict]]:
        """Run the forward over calls (arrays, parameter dict) sharing one parameter dict, passed
        last, as a training loop does (only its "mode" changes between calls); (out, a copy of the
        dict) after each (grader.checks.state)."""
        forward = self.function(exercise, exercise.forward)
        results = []
        param = None
        for arrays, initial in calls:
            if param is None:
                param = copy.deepcopy(initial)
            else:
                param["mode"] = initial["mode"]
            out, _ = forward(*arrays, param)
            results.append((np.asarray(out), copy.deepcopy(param)))
        return results

    def mistakes(self, case: Case, of: str) -> list[Candidate]:
        """The exercise's declared wrong answers for the result `of` on this case."""
        return declared_candidates(case, of)

    def chain_rule(self, case: Case, grad_name: str) -> tuple[list[ChainPath], tuple[str, str] | None, bool]:
        """The chain-rule paths of the gradient `grad_name` on this case (none when undeclared),
        the (mistake, hint) for a gradient that is the direct path alone, and whether its columns
        are independent (ChainRule.per_column)."""
        hidden = case.exercise.hidden
        rule = hidden.chain_rule.get(grad_name) if hidden is not None else None
        if rule is None:
            return [], None, False
        return list(rule.paths(case)), rule.only_direct, rule.per_column

    def per_example(self, case: Case, grad_name: str) -> tuple[str, str] | None:
        """The (mistake, hint) declared for a gradient `grad_name` whose row i uses dout's row i alone
        (ChainRule.per_example), when the reference's gradient on this case does gather dout over the
        batch: another row of it changes when only dout's first row does (not for a batch of one)."""
        hidden = case.exercise.hidden
        rule = hidden.chain_rule.get(grad_name) if hidden is not None else None
        if rule is None or rule.per_example is None or case.exercise.is_loss or not isinstance(case.dout, np.ndarray) \
                or case.dout.ndim < 2 or case.dout.shape[0] < 2:
            return None
        index = case.exercise.gradient_names().index(grad_name)
        right = self.backward(case)[index]
        moved = self.backward(case, dout=row_changed(case.dout, 0))[index]
        if right.shape != moved.shape or right.shape[:1] != case.dout.shape[:1] \
                or np.allclose(right[1:], moved[1:], rtol=1e-9, atol=1e-12 * max(np.abs(right).max(), 1e-300)):
            return None
        return rule.per_example


def row_changed(dout: np.ndarray, row: int) -> np.ndarray:
    """dout with its row `row` (of axis 0) changed, every other row as it was."""
    changed = np.array(dout, dtype=np.float64, copy=True)
    changed[row] = -1.5 * changed[row] + 1.0
    return changed
