"""Grading one visibility of an autograd engine exercise: the programs' outcomes judged test by
test (forward, backward, deep chain, training step), the mistake named, and the failing program cut
down to the smallest expression the student's engine still gets wrong, each round of candidates
run in the worker in one batch."""
from __future__ import annotations

import ast

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from ..exercises.kinds import KindRun
from ..results import Status, TestResult, Visibility
from ..runner.autograd_programs import BACKWARD, BUILD, DONE, NUMBER
from . import engines
from .judge import Numbers, Verdict, backward_verdict, close, forward_verdict, numbers_of, overwritten_node
from .mistakes import ADVICE
from .network import network_verdict
from .programs import Program, node_name, reductions, render, revalued

if TYPE_CHECKING:
    from .kind import AutogradEngine

# The operations whose backward the student writes by hand; the others are built from them.
PRIMITIVES = ("add", "mul", "pow", "relu", "tanh", "exp")


def trusted_numbers(module, spec: dict, nodes: int) -> Numbers:
    value, error = engines.run(module, spec)
    numbers = numbers_of(value, None, nodes)
    if numbers is None or error is not None or numbers.stage != DONE:
        raise RuntimeError(f"the reference engine failed on a program ({type(error).__name__ if error else 'no numbers'})")
    return numbers


def recorded_numbers(answers, key: str, nodes: int) -> Numbers:
    data, grad = np.asarray(answers[f"{key}/data"], dtype=np.float64), np.asarray(answers[f"{key}/grad"], dtype=np.float64)
    kinds = np.full(nodes, NUMBER, dtype=np.int8)
    return Numbers(DONE, nodes, data, grad, kinds, kinds)


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


class Session:
    """One visibility's grading: the programs, their expected numbers and the student's outcomes."""

    def __init__(self, kind: "AutogradEngine", run: KindRun, programs, expected, outcomes):
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
            note = (f" ({left} program{'s' if left > 1 else ''} whose data is wrong left to the forward test)"
                    if left else "")
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
        # A failing one-operation probe names that operation's derivative, where the wrong operations
        # explain every failure: an engine that walks its nodes in the wrong order also fails the probe
        # of `a - b` (built as a + (-b)), and programs made of operations whose probes pass.
        probes = [f for f in failures if f.program.label.startswith("probe ")]
        wrong_ops = {f.program.ops[0].name for f in probes}
        if probes and all(f.program.op_names() & wrong_ops for f in failures):
            op = probes[0].program.ops[0].name
            return {"pow": "micrograd_pow_derivative", "tanh": "micrograd_tanh_derivative"}.get(
                op, "micrograd_local_derivative"), probes[0]
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

    def _showcase(self, mistake: str, failures: list[_Failure]) -> _Failure:
        """The failing program to cut down for the hint: the smallest, but for a missing topological
        order one where any walk order goes wrong (see Program.has_uneven_paths, and no gradient
        that cancels to 0), where there is one: an engine that walks a set of children may get
        another right by luck of the order."""
        shown = failures
        if mistake == "micrograd_no_topological_order":
            shown = [f for f in failures if f.program.has_uneven_paths()
                     and np.all(np.abs(self.expected[f.index].grad) > 1e-9)] or failures
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
            if mistake == "micrograd_no_topological_order" and not (
                    program.has_uneven_paths() and np.all(np.abs(expected.grad) > 1e-9)):
                # an example where any walk order goes wrong: uneven paths, and no gradient that
                # cancels to 0 (which makes a share passed on too early right by chance)
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
            expected, _ = engines.run(self.kind.reference_engine(self.run.course), spec)
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
        what = verdict.what
        if self.visibility is Visibility.HIDDEN and verdict.mistake == "micrograd_network_forward_wrong":
            what = what.split(" is ")[0] + " is wrong"          # its value would be a hidden answer
        output = what + self._traceback(outcome.error)
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
        module = self.kind.reference_engine(self.run.course)
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
                expected.append(trusted_numbers(module, program.spec(self.kind.value_class), program.nodes))
            except RuntimeError:          # a cut the reference cannot run is no example
                candidates.remove(program)
        if not candidates:
            return None
        outcomes = self.run.runner.run([self.kind.call(p) for p in candidates])
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
        if mistake == "exception" and _eq_without_hash(self.run.source, self.kind.value_class):
            advice = UNHASHABLE_ADVICE.format(cls=self.kind.value_class)
        if self._hides(program):
            return advice
        lines = render(program, self.kind.value_class).splitlines()
        if verdict.attribute and verdict.node is not None:
            lines.append(f"print({node_name(verdict.node)}.{verdict.attribute})  # should be {verdict.expected:.6g}")
        return (advice + " " if advice else "") + f"Try it: {'; '.join(lines)}"

    def _hides(self, program: Program) -> bool:
        return self.visibility is Visibility.HIDDEN and program.label != "revealed"


# A class that defines __eq__ loses its __hash__ (Python sets it to None): its objects can no longer
# go in a set or be dict keys, which every topological sort (visited = set()) and _prev = set(...) use.
UNHASHABLE_ADVICE = ("{cls} defines __eq__ but not __hash__, so Python makes {cls} unhashable: a set of Values "
                     "(visited, _prev) raises TypeError. Remove __eq__, or add __hash__ = object.__hash__ "
                     "(each Value is its own node, whatever its data).")


def _eq_without_hash(source: bytes, class_name: str) -> bool:
    """Whether the submission's class `class_name` defines __eq__ and no __hash__ (read, not run)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            names = {n.name for n in node.body if isinstance(n, ast.FunctionDef)} | {
                t.id for n in node.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
            return "__eq__" in names and "__hash__" not in names
    return False
