"""A course whose one exercise is another kind than a forward/backward pair: the smallest kind
there is, to test the contract the grader keeps with kinds (grader.exercises.kinds)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from grader.declare import Kind, KindTest
from grader.results import Status, TestResult, Visibility
from grader.runner.calls import Call


@dataclass(frozen=True)
class Doubling(Kind):
    """`double(x)` must return 2 x. Public inputs are fixed; hidden ones come from the seed and the
    hidden half's scale. The expected answers come from the reference's `double`, or from the
    release's recorded answers."""
    name: str
    function: str
    assignment: str = ""
    mistake_ids: dict = field(default_factory=lambda: {"doubling_wrong": "double(x) is not 2 x"})
    hidden: object | None = None
    hidden_type = float          # HIDDEN["doubling"]: the scale of hidden inputs

    @property
    def functions(self):
        return (self.function,)

    def tests(self):
        return [KindTest(self.function, "doubles", 2.0, hidden_too=True)]

    def inputs(self, run):
        if run.visibility is Visibility.VISIBLE:
            return np.arange(3.0)
        return np.random.default_rng(run.seed).normal(size=4) * self.hidden

    def expected(self, run, x):
        if run.answers is not None:
            return run.answers["public"]
        namespace = {}
        path = run.course.reference_dir / self.assignment / f"{self.assignment}.py"
        exec(compile(path.read_text(), str(path), "exec"), namespace)
        return namespace[self.function](x)

    def grade(self, run):
        x = self.inputs(run)
        outcome, = run.runner.run([Call(self.function, (x,))])
        passed = outcome.ok and np.allclose(outcome.value, self.expected(run, x))
        return [TestResult(self.function, "doubles", run.visibility, Status.PASSED if passed else Status.FAILED,
                           2.0 if passed else 0.0, 2.0, "" if passed else f"{self.function}(x) is not 2 x",
                           mistake=None if passed else "doubling_wrong")]

    def validate(self, course, seeds, sandboxed, result):
        if self.hidden is not None and self.hidden <= 0:
            result.problems.append(f"{self.name}: the hidden scale must be positive")

    def record_public(self, course):
        namespace = {}
        path = course.reference_dir / self.assignment / f"{self.assignment}.py"
        exec(compile(path.read_text(), str(path), "exec"), namespace)
        return {"public": namespace[self.function](np.arange(3.0))}


EXERCISES = [Doubling("doubling", "double")]
