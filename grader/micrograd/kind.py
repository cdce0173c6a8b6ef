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
from ..runner.autograd_programs import BACKWARD, BUILD, DONE, NUMBER
from ..runner.calls import Call
from . import engines
from .engines import Mutant, MutantDoesNotApply
from .judge import Numbers, Verdict, backward_verdict, close, forward_verdict, numbers_of, overwritten_node
from .programs import Program, deep_chain, node_name, probes, random_program, reductions, render, revalued, templates
from .network import network_spec, network_verdict

MISTAKES = {
    "micrograd_missing_reflected_operator": "a number on the left of an operator (2 * a, 1 - a, 2 / a) raises "
                                            "TypeError: a reflected method (__rmul__, __rsub__, __rtruediv__, "
                                            "__radd__) is missing",
    "micrograd_constant_operand": "a plain number on the right of an operator (a + 1, a * 2) fails: the operator "
                                  "does not wrap it in a Value",
    "micrograd_forward_wrong": "an operation of Value computes the wrong data",
    "micrograd_not_a_number": ".data or .grad is not a plain number (int or float): a Value inside a Value, "
                              "a list, or an object of another class",
    "micrograd_grad_overwritten": "= instead of += in a _backward: right on trees, wrong where a value is used "
                                  "twice (its gradients must add up)",
    "micrograd_no_topological_order": "backward() runs a node's _backward before every use of that node has "
                                      "added to its grad: wrong on DAGs, right on trees",
    "micrograd_grad_not_seeded": "backward() never sets the output's grad to 1, so every gradient stays 0",
    "micrograd_pow_derivative": "the local derivative of a ** k is wrong",
    "micrograd_tanh_derivative": "the local derivative of tanh is wrong",
    "micrograd_local_derivative": "the local derivative of an operation (other than ** and tanh) is wrong",
    "micrograd_backward_wrong": "gradients are wrong in a way no named mistake explains",
    "micrograd_deep_recursion": "backward() fails on a long chain of operations: a recursive topological sort "
                                "goes deeper than Python's recursion limit",
    "micrograd_zero_grad_incomplete": "zero_grad() leaves the grad of some parameters (parameters() misses "
                                      "some), so gradients pile up from one training step to the next",
    "micrograd_network_structure": "the MLP does not keep its layers, neurons, weights and biases in .layers, "
                                   ".neurons, .w and .b as the assignment says",
    "micrograd_network_forward_wrong": "the MLP computes the wrong output (loss) with right Value operations",
    "micrograd_network_backward_wrong": "the MLP's parameters get wrong gradients although Value's backward is "
                                        "right",
}

ADVICE = {
    "micrograd_missing_reflected_operator": "For `2 * a` Python first asks int.__mul__, which does not know "
        "Value, then a.__rmul__(2). Define the reflected methods (__radd__, __rmul__, __rsub__, __rtruediv__) "
        "in terms of the ones you have.",
    "micrograd_constant_operand": "An operator must accept a plain number as well as a Value: wrap it "
        "(other = other if isinstance(other, Value) else Value(other)).",
    "micrograd_forward_wrong": "Check this operation's data: it is computed from its inputs' data alone.",
    "micrograd_not_a_number": "Keep .data and .grad plain numbers: an operation's data is computed from its "
        "inputs' .data, never from the Values themselves.",
    "micrograd_grad_overwritten": "A value used twice receives a gradient from each use: every _backward must "
        "add into its inputs' grad (+=), never assign (=).",
    "micrograd_no_topological_order": "A node may pass its gradient on only once every use of it has added "
        "its share: build a topological order of the graph (children before parents) and call _backward in "
        "reverse of it, each node once.",
    "micrograd_grad_not_seeded": "The derivative of the output with respect to itself is 1: backward() must set "
        "self.grad = 1 before calling the _backward functions.",
    "micrograd_pow_derivative": "Check the local derivative in __pow__: d(a ** k)/da, times out.grad.",
    "micrograd_tanh_derivative": "Check the local derivative in tanh: with t = tanh(x), dt/dx = 1 - t ** 2, "
        "times out.grad.",
    "micrograd_local_derivative": "Check this operation's _backward: its local derivative, times out.grad, "
        "added into each input's grad.",
    "micrograd_backward_wrong": "Compare each _backward with the derivative of its operation, and check that "
        "backward() visits each node once, in reverse topological order.",
    "micrograd_deep_recursion": "Build the topological order without recursion (an explicit stack), or it "
        "fails past Python's recursion limit (1000 calls) on a long chain of operations.",
    "exception": "Run the expression above yourself to see the traceback.",
    "not_implemented": "Finish the TODOs of Value first.",
}

PUBLIC_SEED = 2017
# The operations whose backward the student writes by hand; the others are built from them.
PRIMITIVES = ("add", "mul", "pow", "relu", "tanh", "exp")


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

    def _call(self, program: Program) -> Call:
        return Call(self.value_class, (program.spec(self.value_class),), helper="autograd_program")

    def _reference(self, course) -> object:
        return engines.reference_module(course.reference_dir / self.assignment / f"{self.assignment}.py")

    def _expected(self, run: KindRun, programs: list[Program]) -> list[Numbers] | None:
        """The reference's numbers on `programs` (from the release's recorded answers on the public
        side, where there is no reference); None where neither is there."""
        if run.answers is not None:
            if run.visibility is not Visibility.VISIBLE:
                return None
            return [_recorded(run.answers, f"p{i}", p.nodes) for i, p in enumerate(programs)]
        module = self._reference(run.course)
        return [_trusted_numbers(module, p.spec(self.value_class), p.nodes) for p in programs]

    # -- grading -------------------------------------------------------------------------------

    def grade(self, run: KindRun) -> list[TestResult]:
        visibility = run.visibility
        programs = self.programs(visibility, run.seed)
        expected = self._expected(run, programs)
        calls = [self._call(p) for p in programs]
        chain = deep_chain(self.chain_length) if visibility is Visibility.VISIBLE else None
        if chain is not None:
            calls.append(self._call(chain))
        network = self.network(visibility, run.seed) if self.network_class else None
        if network is not None:
            calls.append(Call(self.network_class, (network,), helper="autograd_network"))
        outcomes = run.runner.run(calls)
        session = _Session(self, run, programs, expected, outcomes[:len(programs)])
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
            failed = [t for t in report.tests if t.function == function and t.status is not Status.PASSED]
            result.mistakes.append(MistakeRow(self.name, mutant.mistake, mutant.test, function,
                                              failed[0].check if failed else None,
                                              tuple(dict.fromkeys(t.mistake for t in failed if t.mistake))))

    def record_public(self, course) -> dict[str, np.ndarray]:
        module = self._reference(course)
        answers: dict[str, np.ndarray] = {}
        for i, program in enumerate(self.programs(Visibility.VISIBLE, 0)):
            numbers, _ = engines.run(module, program.spec(self.value_class))
            answers[f"p{i}/data"], answers[f"p{i}/grad"] = numbers["data"], numbers["grad"]
        if self.network_class:
            numbers, _ = engines.run(module, self.network(Visibility.VISIBLE, 0))
            answers.update({f"net/{key}": np.asarray(numbers[key]) for key in ("loss", "grad")})
        return answers


def _trusted_numbers(module, spec: dict, nodes: int) -> Numbers:
    value, error = engines.run(module, spec)
    numbers = numbers_of(value, None, nodes)
    if numbers is None or error is not None or numbers.stage != DONE:
        raise RuntimeError(f"the reference engine failed on a program ({type(error).__name__ if error else 'no numbers'})")
    return numbers


def _recorded(answers, key: str, nodes: int) -> Numbers:
    data, grad = np.asarray(answers[f"{key}/data"], dtype=np.float64), np.asarray(answers[f"{key}/grad"], dtype=np.float64)
    kinds = np.full(nodes, NUMBER, dtype=np.int8)
    return Numbers(DONE, nodes, data, grad, kinds, kinds)


# ---------------------------------------------------------------------------------------------

# The outcome of a call that did not run to its numbers: status, mistake id, what to say.
def _call_failure(outcome, what: str) -> tuple[Status, str | None, str] | None:
    if outcome.status == "missing":
        return Status.MISSING, "not_defined", f"{what} is not defined in your file"
    if outcome.status == "timeout":
        return Status.TIMEOUT, "timeout", outcome.detail or f"{what} took too long"
    if outcome.status == "crashed":
        return Status.ERROR, "crashed", outcome.detail
    if outcome.status != "ok":
        return Status.ERROR, None, outcome.detail or f"{what} could not be run"
    return None


@dataclass
class _Failure:
    index: int
    program: Program
    numbers: Numbers
    verdict: Verdict
    error: dict | None


class _Session:
    """One visibility's grading: the programs, their expected numbers and the student's outcomes."""

    def __init__(self, kind: AutogradEngine, run: KindRun, programs, expected, outcomes):
        self.kind, self.run, self.programs, self.expected, self.outcomes = kind, run, programs, expected, outcomes
        self.visibility = run.visibility
        self.numbers: list[Numbers | None] = []
        self.blocked: tuple[Status, str | None, str] | None = None
        for program, outcome in zip(programs, outcomes):
            failure = _call_failure(outcome, kind.value_class)
            numbers = None
            if failure is None:
                numbers = numbers_of(outcome.value, outcome.error, program.nodes)
                if numbers is None:
                    failure = (Status.ERROR, "unreadable_return", "the grader could not read your engine's results")
            if failure is not None and self.blocked is None:
                self.blocked = failure
            self.numbers.append(numbers)
        self.forward_ok: list[bool] = []

    def result(self, test: str, status: Status, output: str = "", hint: str | None = None,
               mistake: str | None = None, measures: dict | None = None, function: str | None = None) -> TestResult:
        weight = next(t.weight for t in self.kind.tests() if t.check == test)
        score = weight if status is Status.PASSED else 0.0
        return TestResult(function or self.kind.value_class, test, self.visibility, status, score, weight, output,
                          hint, mistake=mistake, measures=measures or {})

    def _blocked(self, test: str, function: str | None = None) -> TestResult:
        status, mistake, text = self.blocked
        return self.result(test, status, text, None, mistake, function=function)

    # -- forward ---------------------------------------------------------------------------------

    def forward(self) -> TestResult:
        if self.blocked is not None and self.blocked[1] == "not_defined":
            return self._blocked("forward")
        failures = []
        for i, (program, numbers) in enumerate(zip(self.programs, self.numbers)):
            verdict = None if numbers is None or self.expected is None else forward_verdict(program, numbers, self.expected[i])
            self.forward_ok.append(numbers is not None and verdict is None)
            if verdict is not None:
                failures.append(_Failure(i, program, numbers, verdict, self.outcomes[i].error))
        if self.expected is None:
            return self.result("forward", Status.SKIPPED, "no reference answers for these programs")
        if not failures:
            if self.blocked is not None:
                return self._blocked("forward")
            return self.result("forward", Status.PASSED, f"right data on {len(self.programs)} programs")
        first = min(failures, key=lambda f: (f.program.size, f.index))
        shown, verdict, error = self._smallest(first, lambda p, n, e: forward_verdict(p, n, e))
        status = Status.MISSING if verdict.mistake == "not_implemented" else Status.FAILED
        if verdict.mistake == "not_implemented":
            verdict = replace(verdict, what=f"{self.kind.value_class} is {verdict.what}")
        return self.result("forward", status, self._output(verdict, error, len(failures), shown),
                           self._hint(verdict.mistake, shown, verdict), verdict.mistake)

    # -- backward --------------------------------------------------------------------------------

    def backward(self) -> TestResult:
        if self.blocked is not None and self.blocked[1] == "not_defined":
            return self._blocked("backward")
        if self.expected is None:
            return self.result("backward", Status.SKIPPED, "no reference answers for these programs")
        judged, failures = [], []
        for i, program in enumerate(self.programs):
            if not self.forward_ok[i]:
                continue
            judged.append(i)
            verdict = backward_verdict(program, self.numbers[i], self.expected[i])
            if verdict is not None:
                failures.append(_Failure(i, program, self.numbers[i], verdict, self.outcomes[i].error))
        if not failures:
            if self.blocked is not None:
                return self._blocked("backward")
            # One bug, one penalty: a program whose data is wrong is the forward test's, and the
            # gradients are judged on the others; but only once every primitive operation (those whose
            # _backward is written by hand) has been judged somewhere.
            unjudged = sorted(set(PRIMITIVES) - set().union(set(), *(self.programs[i].op_names() for i in judged)))
            if not judged or unjudged:
                return self.result("backward", Status.SKIPPED, "this test waits for the forward test to pass"
                                   + (f" (the data of {', '.join(unjudged)} is wrong)" if judged else ""))
            # One bug, one penalty: a program whose data is wrong is the forward test's; the gradients
            # are judged on the others.
            left = len(self.programs) - len(judged)
            note = f" ({left} programs whose data is wrong are left to the forward test)" if left else ""
            return self.result("backward", Status.PASSED, f"right gradients on {len(judged)} programs{note}")
        mistake, first = self._name_backward(failures, judged)
        predicate = self._backward_predicate(mistake)
        shown, verdict, error = self._smallest(first, predicate)
        status = Status.MISSING if mistake == "not_implemented" else Status.FAILED
        expected = self.expected[first.index].grad
        measures = {"relative_error": float(np.linalg.norm(first.numbers.grad - expected)
                                            / max(np.linalg.norm(expected), 1e-300))}
        return self.result("backward", status, self._output(verdict, error, len(failures), shown),
                           self._hint(mistake, shown, verdict), mistake, measures)

    def _name_backward(self, failures: list[_Failure], judged: list[int]) -> tuple[str, _Failure]:
        """The mistake that explains the failures, and the failing program that shows it best."""
        smallest = min(failures, key=lambda f: (f.program.size, f.index))
        for failure in failures:
            if failure.verdict.mistake is not None:          # an exception, or not a number
                return failure.verdict.mistake, failure
        for failure in failures:
            output = failure.program.output
            if failure.numbers.grad[output] == 0 and self.expected[failure.index].grad[output] != 0:
                return "micrograd_grad_not_seeded", failure
        for failure in failures:
            if failure.program.label.startswith("probe "):
                op = failure.program.ops[0].name
                return {"pow": "micrograd_pow_derivative", "tanh": "micrograd_tanh_derivative"}.get(
                    op, "micrograd_local_derivative"), failure
        matched = self._mutant_matching(smallest)
        if matched is not None:
            return matched, self._showcase(matched, failures)
        # `=` for `+=` leaves, at the first wrong node of every failing program, one use's share alone
        if all(overwritten_node(f.program, f.numbers) is not None for f in failures):
            return "micrograd_grad_overwritten", smallest
        failing = {f.index for f in failures}
        trees = [i for i in judged if not self.programs[i].reuses_an_interior_node()]
        if all(f.program.reuses_an_interior_node() for f in failures) and not failing & set(trees):
            return "micrograd_no_topological_order", self._showcase("micrograd_no_topological_order", failures)
        return "micrograd_backward_wrong", smallest

    @staticmethod
    def _showcase(mistake: str, failures: list[_Failure]) -> _Failure:
        """The failing program to cut down for the hint: the smallest, but for a missing topological
        order one where any walk order goes wrong (see Program.has_uneven_paths), where there is one:
        an engine that walks a set of children may get the smallest one right by luck of the order."""
        shown = failures
        if mistake == "micrograd_no_topological_order":
            shown = [f for f in failures if f.program.has_uneven_paths()] or failures
        return min(shown, key=lambda f: (f.program.size, f.index))

    def _mutant_matching(self, failure: _Failure) -> str | None:
        """The mistake of the first declared mutant whose numbers are the student's on this program."""
        hidden = self.kind.hidden
        if hidden is None or self.run.answers is not None:
            return None
        reference_path = self.run.course.reference_dir / self.kind.assignment / f"{self.kind.assignment}.py"
        reference = reference_path.read_text(encoding="utf-8")
        for mutant in hidden.mutants:
            if mutant.test != "backward":
                continue
            try:
                module = engines.module_from_source(engines.mutant_source(reference, mutant), str(reference_path))
                value, error = engines.run(module, failure.program.spec(self.kind.value_class))
            except Exception:   # noqa: BLE001 - a mutant that does not apply or run names nothing
                continue
            theirs = numbers_of(value, None, failure.program.nodes)
            if error is None and theirs is not None and theirs.built == failure.numbers.built and all(
                    close(s, m) for s, m in zip(failure.numbers.grad, theirs.grad)):
                return mutant.mistake
        return None

    def _backward_predicate(self, mistake: str):
        def fails(program: Program, numbers: Numbers, expected: Numbers) -> Verdict | None:
            if forward_verdict(program, numbers, expected) is not None:
                return None
            verdict = backward_verdict(program, numbers, expected)
            if verdict is None:
                return None
            if mistake == "micrograd_grad_overwritten" and overwritten_node(program, numbers) is None:
                return None
            if mistake == "micrograd_no_topological_order" and not program.has_uneven_paths():
                return None
            return verdict
        return fails

    # -- the deep chain --------------------------------------------------------------------------

    def deep_chain(self, chain: Program, outcome) -> TestResult:
        failure = _call_failure(outcome, self.kind.value_class)
        if failure is not None:
            status, mistake, text = failure
            return self.result("deep chain", status, text, None, mistake)
        numbers = numbers_of(outcome.value, outcome.error, chain.nodes)
        if numbers is None:
            return self.result("deep chain", Status.ERROR, "the grader could not read your engine's results", None,
                               "unreadable_return")
        length = f"a chain of {chain.size} operations (x = x * 0.9, x = x + 0.05, x = x.tanh(), ...)"
        if numbers.stage == BUILD:
            return self.result("deep chain", Status.SKIPPED, f"building {length} failed: this test waits for the "
                               "forward test to pass")
        if numbers.stage == BACKWARD:
            kind = numbers.error_type
            if kind == "RecursionError":
                return self.result("deep chain", Status.FAILED, f"backward() on {length} raised RecursionError",
                                   ADVICE["micrograd_deep_recursion"], "micrograd_deep_recursion")
            mistake = "not_implemented" if kind == "NotImplementedError" else "exception"
            return self.result("deep chain", Status.MISSING if mistake == "not_implemented" else Status.FAILED,
                               f"backward() on {length} raised {kind or 'an exception'}", None, mistake)
        if numbers.grad_kind[0] != NUMBER:
            return self.result("deep chain", Status.FAILED, f"after backward() on {length}, the first value's grad "
                               "is not a number", ADVICE["micrograd_not_a_number"], "micrograd_not_a_number")
        return self.result("deep chain", Status.PASSED, f"backward() ran through {length}")

    # -- the network -----------------------------------------------------------------------------

    def network(self, spec: dict, outcome, values_right: bool) -> TestResult:
        name = self.kind.network_class
        failure = _call_failure(outcome, name)
        if failure is not None:
            status, mistake, text = failure
            return self.result("training step", status, text, None, mistake, function=name)
        if self.run.answers is not None:
            expected = {key: self.run.answers[f"net/{key}"] for key in ("loss", "grad")}
        else:
            expected, _ = engines.run(self.kind._reference(self.run.course), spec)
        verdict = network_verdict(spec, outcome.value, outcome.error, expected)
        if verdict is not None and verdict.mistake == "not_implemented":
            return self.result("training step", Status.MISSING, f"{name} is not implemented: {verdict.what}",
                               verdict.hint, verdict.mistake, function=name)
        if verdict is None:
            return self.result("training step", Status.PASSED, "loss, gradients and zero_grad() are right",
                               function=name)
        if not values_right:     # one bug, one penalty: Value's tests have it already
            return self.result("training step", Status.SKIPPED, f"this test waits for {self.kind.value_class}'s "
                               "forward and backward tests to pass", function=name)
        status = Status.MISSING if verdict.mistake == "not_implemented" else Status.FAILED
        output = verdict.what + self._traceback(outcome.error)
        return self.result("training step", status, output, verdict.hint, verdict.mistake, function=name)

    # -- cutting down, and what the student reads -----------------------------------------------

    def _smallest(self, failure: _Failure, fails) -> tuple[Program, Verdict, dict | None]:
        """The smallest program the student's engine still gets wrong the same way, found by trying
        every reduction of the current one in the worker (one batch a round), with its verdict and
        exception. Without a reference (a release) the failing program is shown as it is. On the
        hidden side, the expression is shown with fresh leaf values when it still fails with them,
        else with its values left out (they are hidden inputs)."""
        program, verdict, error = failure.program, failure.verdict, failure.error
        if self.run.answers is not None:
            return program, verdict, error
        module = self.kind._reference(self.run.course)
        for _ in range(30):
            if self.run.budget.remaining() < 2.0:
                break
            candidates = reductions(program)[:60]
            found = self._first_failing(candidates, module, fails)
            if found is None:
                break
            program, verdict, error = found
        if self.visibility is Visibility.HIDDEN:
            fresh = [replace(p, label="revealed") for seed in range(8)
                     if (p := revalued(program, np.random.default_rng(seed))) is not None]
            found = self._first_failing(fresh, module, fails)
            if found is not None:
                return found
        return program, verdict, error

    def _first_failing(self, candidates: list[Program], module, fails):
        expected = []
        for program in list(candidates):
            try:
                expected.append(_trusted_numbers(module, program.spec(self.kind.value_class), program.nodes))
            except RuntimeError:          # a cut the reference cannot run is no example
                candidates.remove(program)
        if not candidates:
            return None
        outcomes = self.run.runner.run([self.kind._call(p) for p in candidates])
        for program, outcome, wanted in zip(candidates, outcomes, expected):
            if outcome.status != "ok":
                continue
            numbers = numbers_of(outcome.value, outcome.error, program.nodes)
            verdict = None if numbers is None else fails(program, numbers, wanted)
            if verdict is not None:
                return program, verdict, outcome.error
        return None

    def _traceback(self, error: dict | None) -> str:
        trace = (error or {}).get("traceback") or ""
        return f"\n{trace}" if trace else ""

    def _output(self, verdict: Verdict, error: dict | None, count: int, program: Program) -> str:
        """What happened, then the smallest expression as lines of Python (kept as lines by every
        report format), then the student's traceback."""
        more = f" ({count} programs fail)" if count > 1 else ""
        hide = self._hides(program)
        code = render(program, self.kind.value_class, hide_leaves=hide)
        note = "(the values of a hidden program are not shown)" if hide else verdict.what
        if hide:    # the numbers of a hidden program are hidden inputs
            what = f"{node_name(verdict.node)} is wrong" if verdict.node is not None else verdict.what.split(":")[0]
            verdict = replace(verdict, what=what)
        shown = "\n".join("    " + line for line in code.splitlines())
        return (f"{verdict.what}{more}\nThe smallest expression your engine gets wrong:\n{shown}\n    # {note}"
                + self._traceback(error))

    def _hint(self, mistake: str | None, program: Program, verdict: Verdict) -> str:
        """The advice for the mistake, and the expression on one line, to paste and run."""
        advice = ADVICE.get(mistake or "", "")
        if self._hides(program):
            return advice
        lines = render(program, self.kind.value_class).splitlines()
        if verdict.attribute and verdict.node is not None:
            lines.append(f"print({node_name(verdict.node)}.{verdict.attribute})  # should be {verdict.expected:.6g}")
        return (advice + " " if advice else "") + f"Try it: {'; '.join(lines)}"

    def _hides(self, program: Program) -> bool:
        return self.visibility is Visibility.HIDDEN and program.label != "revealed"
