"""The staged-graph kind of exercise: the student writes the gradient of every named step of a
forward, one function per node, and the grader judges each node's *local* step.

The submission: for every node `x` of the forward (but the last, whose gradient is given), a
function `dx(...)` returning dL/dx. Its parameters are looked up by name among the forward's named
values (`probs`, `bndiff`, `n`, `Yb`, ...) and the gradients already computed (`dlogprobs`), so
`def dprobs(probs, dlogprobs): return dlogprobs / probs` is a whole answer. One function per node
works the same in a .py file and in a notebook (one cell per node, each checked in place), and the
grader can call each node on fresh inputs in the sandboxed worker, passing arrays only.

Grading walks the nodes in reverse topological order (grader.graphs.graph). Each node's function
is called with the student's *own* upstream gradients; its answer is compared with the node's
local rule applied to those same upstream gradients (the node's own step) and with the true
gradient. A node whose step is right earns its points even when its input was already wrong
(credited); the first node whose step is wrong is where the student went wrong, and the diagnosis
says why (grader.graphs.diagnosis). An upstream gradient that cannot be used (an error, a wrong
shape) is replaced by the true one for the nodes after it, so that each node is judged on its own.
"""
from __future__ import annotations

import json
import weakref
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..checks.common import outcome_finding
from ..compare import allclose
from ..diagnosis.values import measures as value_measures
from ..exercises.kinds import Kind, KindRun, KindTest
from ..results import Status, TestResult, Visibility
from ..runner.calls import Call
from ..runner.protocol import Opaque
from .arguments import Signature, signatures
from .diagnosis import MISTAKES, NodeMistake, declared_answer, diagnose
from .graph import Graph, GraphError, trace

CHECK = "local step"
PUBLIC_SEED = 20240101      # the public inputs: the same for every student, as the notebook shows them


@dataclass(frozen=True)
class GraphHidden:
    """A staged graph's hidden half (reference/<a>/hidden.py: HIDDEN = {name: GraphHidden(...)}):
    the hidden sizes, and known wrong answers at given nodes with the ids they are named by."""
    sizes: dict = field(default_factory=dict)
    mistakes: tuple[NodeMistake, ...] = ()
    mistake_ids: dict = field(default_factory=dict)     # {id: meaning} of the declared mistakes


@dataclass(frozen=True, eq=False)
class StagedGraph(Kind):
    """A forward written as named steps; the student writes the gradient of each (see the module).

    `forward(**inputs)` returns its named steps (`return locals()` will do); `make_inputs(rng,
    sizes)` draws its inputs; `params` are the inputs that get gradients (the others are data the
    student's functions may read: Xb, Yb). `sizes` are the public sizes; the hidden half
    (reference/<a>/hidden.py, HIDDEN = {name: {...sizes}}) gives the hidden ones."""
    name: str
    forward: Callable
    make_inputs: Callable
    params: tuple[str, ...]
    sizes: dict
    title: str = ""
    given: float | None = None          # the last step's gradient when fixed (1.0 for a loss); None: random
    weight: float = 1.0                 # points per node
    assignment: str = ""
    mistake_ids: dict = field(default_factory=lambda: dict(MISTAKES))
    hidden: GraphHidden | None = None
    hidden_type = GraphHidden

    # --- the declaration ---------------------------------------------------------------------------
    def graph(self, visibility: Visibility = Visibility.VISIBLE, seed: int = PUBLIC_SEED) -> Graph:
        hidden_sizes = self.hidden.sizes if self.hidden is not None else {}
        sizes = self.sizes if visibility is Visibility.VISIBLE else {**self.sizes, **hidden_sizes}
        rng = np.random.default_rng(PUBLIC_SEED if visibility is Visibility.VISIBLE else seed)
        return trace(self.forward, self.make_inputs(rng, sizes), tuple(self.params))

    def root_gradient(self, graph: Graph, visibility: Visibility, seed: int) -> np.ndarray:
        """`given` (1 for a loss); random otherwise (never ones: it hides a forgotten upstream gradient
        and sum-to-zero mistakes)."""
        shape = graph.shape(graph.root)
        if self.given is not None:
            return np.full(shape, float(self.given))
        rng = np.random.default_rng((PUBLIC_SEED if visibility is Visibility.VISIBLE else seed) + 1)
        return rng.normal(size=shape)

    @property
    def nodes(self) -> tuple[str, ...]:
        return _public_graph(self).order

    @property
    def functions(self) -> tuple[str, ...]:
        return tuple(f"d{node}" for node in self.nodes)

    def problem(self) -> str | None:
        if not callable(self.forward) or not callable(self.make_inputs):
            return "forward and make_inputs must be functions"
        try:
            graph = _public_graph(self)
        except GraphError as error:
            return str(error)
        except Exception as error:  # noqa: BLE001 - the author's make_inputs, reported as their mistake
            return f"its public inputs cannot be drawn: make_inputs raised {type(error).__name__}: {error}"
        if not graph.order:
            return "its forward has no named step behind the last one"
        return self._hidden_problem(graph)

    def _hidden_problem(self, graph: Graph) -> str | None:
        for mistake in self.declared_mistakes:
            if mistake.node not in graph.order:
                return (f"a declared mistake is at {mistake.node!r}, which is not a node whose gradient students "
                        f"write ({', '.join(graph.order)})")
            if mistake.id not in MISTAKES and mistake.id not in self.hidden.mistake_ids:
                return f"the declared mistake {mistake.id!r} has no meaning: describe it in GraphHidden(mistake_ids=...)"
        return None

    @property
    def declared_mistakes(self) -> tuple[NodeMistake, ...]:
        return self.hidden.mistakes if self.hidden is not None else ()

    def record_public(self, course) -> dict[str, np.ndarray]:
        """The declared mistakes' answers on the public inputs, with their texts, for a student's
        release (which has no hidden half): each as a node's function sees it when every node
        after it in the walk is right, the case in which it is the first wrong one."""
        graph = _public_graph(self)
        true = graph.gradients(self.root_gradient(graph, Visibility.VISIBLE, PUBLIC_SEED))
        available = {**graph.values, **{f"d{name}": value for name, value in true.items()}}
        answers = {f"mistake/{i}": declared_answer(m, available, graph.shape(m.node))
                   for i, m in enumerate(self.declared_mistakes)}
        answers["mistakes"] = np.asarray(json.dumps([[m.node, m.id, m.says, m.hint] for m in self.declared_mistakes]))
        return answers

    def mistakes_for(self, run: KindRun) -> tuple[NodeMistake, ...]:
        """The declared mistakes: the hidden half's, or in a release the recorded public answers."""
        if self.hidden is not None or not run.answers or "mistakes" not in run.answers:
            return self.declared_mistakes
        texts = json.loads(str(run.answers["mistakes"]))
        return tuple(NodeMistake(node, mistake, says, lambda _v, value=run.answers[f"mistake/{i}"]: value, hint)
                     for i, (node, mistake, says, hint) in enumerate(texts))

    def tests(self) -> list[KindTest]:
        return [KindTest(function, CHECK, self.weight, hidden_too=True) for function in self.functions]

    # --- grading -------------------------------------------------------------------------------------
    def grade(self, run: KindRun) -> list[TestResult]:
        graph = self.graph(run.visibility, run.seed)
        walk = walk_graph(graph, self.root_gradient(graph, run.visibility, run.seed), run.runner,
                          signatures(run.source), run.budget, self.mistakes_for(run))
        if run.visibility is Visibility.HIDDEN and run.graphs is not None:
            _right_on_public_only(walk, next((g for g in run.graphs if g.get("exercise") == self.name
                                              and g.get("visibility") == str(Visibility.VISIBLE)), None))
        if run.graphs is not None:
            run.graphs.append(graph_view(self, graph, walk, run.visibility))
        return [TestResult(f"d{node.name}", CHECK, run.visibility, node.status, self.weight if node.passed else 0.0,
                           self.weight, node.output, node.hint, node.mistake, node.measures)
                for node in walk]

    def validate(self, course, seeds, sandboxed, result) -> None:
        from .validation import validate_graph
        validate_graph(self, course, seeds, sandboxed, result)


_UNEXPLAINED = ("staged_local_wrong", "staged_wrong_shape")


def _right_on_public_only(walk: list[NodeResult], public: dict | None) -> None:
    """A hidden node wrong where its public twin was right most likely reads a number of the
    notebook (n = 32) instead of its parameters: the hidden batch has other sizes. Said in its hint."""
    fared = {node.get("name"): node.get("status") for node in (public or {}).get("nodes", [])}
    for result in walk:
        if result.mistake in _UNEXPLAINED and fared.get(result.name) in ("right", "credited"):
            result.hint = (f"d{result.name} is right on the public batch but not on the hidden one, whose sizes "
                           "differ: does it use a number of your own (n = 32, a shape) instead of reading it from "
                           "its parameters (n, or an array's .shape)?")


_GRAPHS: "weakref.WeakKeyDictionary[StagedGraph, Graph]" = weakref.WeakKeyDictionary()


def _public_graph(kind: StagedGraph) -> Graph:
    """The graph on the public inputs, traced once per declaration object (the catalogue asks for
    a kind's functions and tests many times a grade)."""
    graph = _GRAPHS.get(kind)
    if graph is None:
        graph = _GRAPHS[kind] = kind.graph()
    return graph


@dataclass
class NodeResult:
    name: str
    status: Status
    output: str = ""
    hint: str | None = None
    mistake: str | None = None
    measures: dict = field(default_factory=dict)
    local_ok: bool = False
    true_ok: bool = False
    first_wrong: bool = False
    says: str = ""

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED

    @property
    def credited(self) -> bool:
        return self.local_ok and not self.true_ok


def walk_graph(graph: Graph, root_grad: np.ndarray, runner, known: dict[str, Signature],
               budget=None, declared: tuple[NodeMistake, ...] = ()) -> list[NodeResult]:
    """Call the student's node functions in reverse topological order, each with the student's
    own upstream gradients, and judge each node's local step. Nodes the grade's time `budget`
    leaves no time for are timeouts (the points already earned are kept)."""
    true = graph.gradients(root_grad)
    carried: dict[str, np.ndarray] = {graph.root: true[graph.root]}
    results: list[NodeResult] = []
    for node in graph.order:
        if budget is not None and budget.expired:
            late = budget.finding()
            results.append(NodeResult(node, late.status, late.output, late.hint, late.mistake, says="not run: time ran out"))
            carried[node] = true[node]
            continue
        result, answer = _node(graph, node, carried, true, runner, known.get(f"d{node}"), declared)
        # Later nodes see the student's own gradient where it can be used at all; else the true one.
        usable = answer is not None and answer.shape == graph.shape(node) and np.all(np.isfinite(answer))
        carried[node] = answer if usable else true[node]
        results.append(result)
    # A node not written yet (a notebook checked halfway) is not where the student went wrong.
    first = next((r for r in results if not r.local_ok and r.status is not Status.MISSING), None)
    if first is not None:
        first.first_wrong = True
        first.output = f"the first node whose step is wrong: {first.output}"
        for later in results[results.index(first) + 1:]:
            if later.credited:
                later.output = (f"credited: d{later.name} follows by {later.name}'s local rule from the upstream "
                                f"gradients you computed, which were already wrong (from d{first.name} on)")
    return results


def _node(graph: Graph, node: str, carried: dict, true: dict, runner, signature: Signature | None,
          declared: tuple[NodeMistake, ...] = ()) -> tuple[NodeResult, np.ndarray | None]:
    function = f"d{node}"
    available = {**graph.values, **{f"d{name}": value for name, value in carried.items()}}
    if signature is None:
        signature = Signature(())   # not a def we can read: called without arguments, the worker says why
    call, problem = _call(function, signature, available, graph)
    if problem:
        return NodeResult(node, Status.ERROR, problem, _ORDER_HINT, "exception", says=problem), None
    outcome, = runner.run([call])
    if signature.not_a_function and outcome.status in ("missing", "error"):
        says = f"{function} is a value, not a function"
        return NodeResult(node, Status.ERROR, says,
                          f"Write it as a function the grader can call on new inputs: def {function}(...): return ..., "
                          "its parameters named as the values it needs.", "not_a_function", says=says), None
    failed = outcome_finding(outcome, function)
    if failed is not None:
        hint = _MISSING_HINT.format(function=function) if failed.status is Status.MISSING else failed.hint
        return NodeResult(node, failed.status, failed.output, hint, failed.mistake,
                          says=failed.output.split("\n")[0].rstrip(":")), None
    answer = outcome.value
    if isinstance(answer, np.generic) or (isinstance(answer, (float, int)) and not isinstance(answer, bool)):
        answer = np.asarray(answer)     # a scalar node's gradient may come back as a number
    if not isinstance(answer, np.ndarray) or answer.dtype.kind not in "biuf":
        says = f"{function} returned {_what(answer)}, not a numpy array"
        return NodeResult(node, Status.ERROR, says, "Return the gradient as a numpy array of floats.", "not_an_array",
                          says=says), None
    answer = answer.astype(np.float64)
    expected = graph.local(node, carried)
    local_ok = allclose(answer, expected)
    true_ok = allclose(answer, true[node])
    if local_ok:
        return NodeResult(node, Status.PASSED, local_ok=True, true_ok=true_ok), answer
    found = diagnose(graph, node, answer, expected, carried, declared, available)
    measures = value_measures(answer, expected)      # against the node's local rule: the dashboard's numbers
    return NodeResult(node, Status.FAILED, found.says, found.hint, found.mistake, measures,
                      true_ok=true_ok, says=found.says), answer


# Karpathy's notebook assigns each gradient (dprobs = ...); such a cell reads the notebook's values
# and is not run when graded, so the node is missing: say what to write instead.
_MISSING_HINT = ("Define it as a function, def {function}(...): return ..., its parameters named as the values "
                 "it needs (a top-level {function} = ... computed from the notebook's values is not run).")

_ORDER_HINT = ("Name each argument as the forward names its value (probs, bndiff, n, ...) or as the "
               "gradient of a node computed before this one (dlogprobs, ...).")


def _call(function: str, signature: Signature, available: dict, graph: Graph) -> tuple[Call, str | None]:
    unknown = [name for name in signature.names if name not in available]
    if unknown:
        later = [name for name in unknown if name.startswith("d") and name[1:] in graph.nodes]
        if later:
            return Call(function), (f"{function} asks for {', '.join(later)}, which comes after it: a gradient "
                                    "is computed from the gradients of the steps that read the value")
        return Call(function), f"{function} asks for {', '.join(unknown)}, which the forward does not name"
    args = tuple(available[name] for name in signature.names)
    names = set(signature.names)
    if signature.takes_all:
        kwargs = {k: v for k, v in available.items() if k not in names and k.isidentifier()}
    else:
        kwargs = {k: available[k] for k in signature.optional if k in available}
    return Call(function, args, kwargs), None


def _what(value) -> str:
    if value is None:
        return "None"
    if isinstance(value, Opaque):
        return f"an object of type {value.type_name}"
    return f"a {type(value).__name__}" if not isinstance(value, np.ndarray) else f"an array of dtype {value.dtype}"


def graph_view(kind: StagedGraph, graph: Graph, walk: list[NodeResult], visibility: Visibility) -> dict:
    """The graph as plain data for a report (grader.results.Report.graphs): the root, then each node
    in the order graded, with what its step reads and how it fared."""
    first = next((r.name for r in walk if r.first_wrong), None)
    nodes = [{"name": graph.root, "gradient": f"d{graph.root}", "shape": list(graph.shape(graph.root)),
              "reads": list(graph.parents[graph.root]), "status": "given", "says": ""}]
    for result in walk:
        state = ("first_wrong" if result.first_wrong else "credited" if result.passed and not result.true_ok
                 else "right" if result.passed else "wrong" if result.status is Status.FAILED
                 else "missing" if result.status is Status.MISSING else "error")
        nodes.append({"name": result.name, "gradient": f"d{result.name}", "shape": list(graph.shape(result.name)),
                      "reads": list(graph.parents.get(result.name, ())), "status": state,
                      "says": result.says})
    return {"exercise": kind.name, "title": kind.title or kind.name, "visibility": str(visibility),
            "first_wrong": first, "nodes": nodes}
