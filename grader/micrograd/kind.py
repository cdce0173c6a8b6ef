"""A student-written scalar autograd engine (a micrograd-style `Value`, and an `MLP` on it), graded
by generated programs: the kind of exercise `AutogradEngine` (grader.exercises.kinds).

Per visibility, one batch of calls goes to the worker: every program of the set (one operation on
fresh leaves per operation, the shapes where engines go wrong, random DAGs from the seed), on the
public side a chain deeper than Python's recursion limit, and one training step of the network.
The worker's interpreter (grader.runner.autograd_programs) sends back numbers only; the reference
engine runs the same programs here. A failing test shows the smallest expression the student's
engine still gets wrong: the failing program is cut down (grader.micrograd.programs.reductions),
each round of candidates run in the worker in one batch.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..exercises.kinds import Kind, KindRun, KindTest
from ..results import Status, TestResult, Visibility
from ..runner.calls import Call
from . import engines
from .engines import Mutant, MutantDoesNotApply
from .judge import Numbers
from .mistakes import MISTAKES
from .network import network_spec
from .programs import Program, deep_chain, probes, random_program, templates
from .session import Session, recorded_numbers, trusted_numbers

PUBLIC_SEED = 2017


@dataclass(frozen=True)
class EngineHidden:
    """The hidden half (reference/<assignment>/hidden.py): how many random programs of how many
    operations the hidden part draws, and the mutants of the reference that `grade validate`
    grades and that diagnosis compares a student's numbers with."""
    random_programs: int = 6
    ops: tuple[int, int] = (8, 14)
    mutants: tuple[Mutant, ...] = ()


@dataclass(frozen=True)
class AutogradEngine(Kind):
    """A micrograd-style engine: `value_class` (+, *, **, -, /, relu, tanh, exp, reflected
    operators, backward()) and optionally `network_class` (MLP(nin, nouts) with .layers, each with
    .neurons, each with .w and .b; parameters(), zero_grad())."""
    name: str
    value_class: str = "Value"
    network_class: str | None = "MLP"
    chain_length: int = 1500
    assignment: str = ""
    mistake_ids: dict = field(default_factory=lambda: dict(MISTAKES))
    hidden: EngineHidden | None = None
    hidden_type = EngineHidden

    @property
    def functions(self) -> tuple[str, ...]:
        return tuple(n for n in (self.value_class, self.network_class) if n)

    def tests(self) -> list[KindTest]:
        tests = [KindTest(self.value_class, "forward", 2.0, hidden_too=True),
                 KindTest(self.value_class, "backward", 4.0, hidden_too=True),
                 KindTest(self.value_class, "deep chain", 1.0)]
        if self.network_class:
            tests.append(KindTest(self.network_class, "training step", 2.0, hidden_too=True))
        return tests

    def problem(self) -> str | None:
        if self.chain_length < 1100:
            return "chain_length must exceed Python's recursion limit (1000), or the deep chain proves nothing"
        return None

    # -- what is run ---------------------------------------------------------------------------

    def programs(self, visibility: Visibility, seed: int) -> list[Program]:
        if visibility is Visibility.VISIBLE:
            rng = np.random.default_rng(PUBLIC_SEED)
            return probes(rng) + templates(rng) + [random_program(rng, int(rng.integers(6, 11))) for _ in range(3)]
        hidden = self.hidden or EngineHidden()
        rng = np.random.default_rng([seed, 17])
        low, high = hidden.ops
        return probes(rng) + templates(rng) + [random_program(rng, int(rng.integers(low, high + 1)))
                                               for _ in range(hidden.random_programs)]

    def network(self, visibility: Visibility, seed: int) -> dict:
        rng = np.random.default_rng(PUBLIC_SEED if visibility is Visibility.VISIBLE else [seed, 71])
        return network_spec(rng, self.network_class)

    def call(self, program: Program) -> Call:
        return Call(self.value_class, (program.spec(self.value_class),), helper="autograd_program")

    def reference_engine(self, course) -> object:
        return engines.reference_module(course.reference_dir / self.assignment / f"{self.assignment}.py")

    def _expected(self, run: KindRun, programs: list[Program]) -> list[Numbers] | None:
        """The reference's numbers on `programs` (from the release's recorded answers on the public
        side, where there is no reference); None where neither is there."""
        if run.answers is not None:
            if run.visibility is not Visibility.VISIBLE:
                return None
            return [recorded_numbers(run.answers, f"p{i}", p.nodes) for i, p in enumerate(programs)]
        module = self.reference_engine(run.course)
        return [trusted_numbers(module, p.spec(self.value_class), p.nodes) for p in programs]

    # -- grading -------------------------------------------------------------------------------

    def grade(self, run: KindRun) -> list[TestResult]:
        visibility = run.visibility
        programs = self.programs(visibility, run.seed)
        expected = self._expected(run, programs)
        calls = [self.call(p) for p in programs]
        chain = deep_chain(self.chain_length) if visibility is Visibility.VISIBLE else None
        if chain is not None:
            calls.append(self.call(chain))
        network = self.network(visibility, run.seed) if self.network_class else None
        if network is not None:
            calls.append(Call(self.network_class, (network,), helper="autograd_network"))
        outcomes = run.runner.run(calls)
        session = Session(self, run, programs, expected, outcomes[:len(programs)])
        results = [session.forward(), session.backward()]
        if chain is not None:
            results.append(session.deep_chain(chain, outcomes[len(programs)]))
        if results[0].mistake == "not_implemented":
            # An unfinished class: every test of it says so (not "waits for the forward test").
            results[1:] = [replace(r, status=Status.MISSING, mistake="not_implemented",
                                   output=results[0].output.splitlines()[0])
                           if r.status is Status.SKIPPED else r for r in results[1:]]
        if network is not None:
            values_right = all(r.status is Status.PASSED for r in results[:2])
            results.append(session.network(network, outcomes[-1], values_right))
        return results

    # -- validation and releases ---------------------------------------------------------------

    def validate(self, course, seeds: int, sandboxed: bool, result) -> None:
        from ..engine import grade
        from ..validate import MistakeRow

        hidden = self.hidden or EngineHidden()
        reference_path = course.reference_dir / self.assignment / f"{self.assignment}.py"
        known = set(self.mistake_ids) | {"not_implemented", "exception", "timeout"}
        for mutant in hidden.mutants:
            if mutant.mistake not in known:
                result.problems.append(f"{self.name}: mutant {mutant.mistake!r} names an id the declaration does "
                                       "not describe (mistake_ids)")
                continue
            try:
                source = engines.mutant_source(reference_path.read_text(encoding="utf-8"), mutant)
            except MutantDoesNotApply as error:
                result.problems.append(f"{self.name}: {error}")
                continue
            function = self.network_class if mutant.test == "training step" else self.value_class
            with tempfile.TemporaryDirectory(prefix="grader-validate-") as folder:
                path = Path(folder) / f"{self.assignment}.py"
                path.write_text(source)
                report = grade(path, assignment=self.assignment, seed=1, course=course, in_process=not sandboxed,
                               allow_unsandboxed=not sandboxed)
            # caught by the test the mutant names (a mistake another test happens to trip is not proof)
            failed = [t for t in report.tests if t.function == function and t.check == mutant.test
                      and t.status is not Status.PASSED]
            result.mistakes.append(MistakeRow(self.name, mutant.mistake, mutant.test, function,
                                              failed[0].check if failed else None,
                                              tuple(dict.fromkeys(t.mistake for t in failed if t.mistake))))

    def record_public(self, course) -> dict[str, np.ndarray]:
        module = self.reference_engine(course)
        answers: dict[str, np.ndarray] = {}
        for i, program in enumerate(self.programs(Visibility.VISIBLE, 0)):
            numbers, _ = engines.run(module, program.spec(self.value_class))
            answers[f"p{i}/data"], answers[f"p{i}/grad"] = numbers["data"], numbers["grad"]
        if self.network_class:
            numbers, _ = engines.run(module, self.network(Visibility.VISIBLE, 0))
            answers.update({f"net/{key}": np.asarray(numbers[key]) for key in ("loss", "grad")})
        return answers
