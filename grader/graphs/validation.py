"""`grade validate` for a staged graph: prove the traced graph and the node-by-node diagnosis.

1. On the public inputs and on the hidden ones of every seed, the gradients the tracer derives are
   the numerical gradient of the forward (central differences along a random direction), so the
   tracer is right about this forward, and they are finite.
2. Every mistake the graph's shape allows is applied to a correct walk, one node at a time, and
   must be reported at that node (the first wrong one) under its id: each branch of a value used
   twice left out (staged_missing_branch), the sign flipped (staged_sign), a size-1 axis dropped
   (staged_not_reshaped), a non-square matrix transposed (staged_transposed), the upstream
   gradient left out of an elementwise step (staged_no_upstream). The correct answers come from
   the graph itself, in this process: the declaration is the instructor's trusted code.
"""
from __future__ import annotations

import numpy as np

from ..compare import allclose
from ..results import Visibility
from ..runner.calls import Outcome
from ..validate import MistakeRow
from .arguments import Signature
from .graph import Graph
from .kind import CHECK, StagedGraph, walk_graph

STEP, TOLERANCE = 1e-6, 1e-5


def validate_graph(kind: StagedGraph, course, seeds: int, sandboxed: bool, result) -> None:
    runs = [(Visibility.VISIBLE, 0)] + [(Visibility.HIDDEN, seed) for seed in range(1, seeds + 1)]
    for visibility, seed in runs:
        try:
            graph = kind.graph(visibility, seed)
            problem = _not_numerical(kind, graph, kind.root_gradient(graph, visibility, seed), seed)
        except Exception as error:  # noqa: BLE001 - the author's forward on the author's sizes
            problem = f"the forward fails on the {visibility} sizes (seed {seed}): {type(error).__name__}: {error}"
        if problem:
            result.problems.append(f"{kind.name}: {problem}")
            return
    graph = kind.graph()
    problem = kind._hidden_problem(graph)
    if problem:
        result.problems.append(f"{kind.name}: {problem}")
        return
    root_grad = kind.root_gradient(graph, Visibility.VISIBLE, 0)
    true = graph.gradients(root_grad)
    declared = [(m.node, m.id, (lambda a, up, v, m=m: m.answer(v))) for m in kind.declared_mistakes]
    for node, mistake, mutate in [*_mutants(graph, true), *declared]:
        walk = walk_graph(graph, root_grad, _Answers(graph, node, mutate), _TAKES_ALL, None, kind.declared_mistakes)
        failed = [r for r in walk if not r.passed]
        first = failed[0] if failed else None
        caught = first is not None and first.name == node
        result.mistakes.append(MistakeRow(kind.name, mistake, f"d{node}", f"d{node}", CHECK if caught else None,
                                          (first.mistake,) if caught and first.mistake else ()))


def _not_numerical(kind: StagedGraph, graph: Graph, root_grad: np.ndarray, seed: int) -> str | None:
    grads = graph.gradients(root_grad)
    for name, grad in grads.items():
        if not np.all(np.isfinite(grad)):
            return f"the gradient of {name} is not finite (seed {seed}): keep the inputs away from overflow"
    inputs = {name: graph.values[name] for name in kind.forward.__code__.co_varnames[:kind.forward.__code__.co_argcount]}
    rng = np.random.default_rng(seed)

    def loss(**replace) -> float:
        values = kind.forward(**{**inputs, **replace})
        return float(np.sum(np.asarray(values[graph.root]) * root_grad))
    for name in kind.params:
        x = np.asarray(inputs[name], dtype=np.float64)
        u = rng.normal(size=x.shape)
        numeric = (loss(**{name: x + STEP * u}) - loss(**{name: x - STEP * u})) / (2 * STEP)
        analytic = float(np.sum(grads[name] * u))
        if abs(numeric - analytic) > TOLERANCE * max(np.linalg.norm(grads[name]) * np.linalg.norm(u), abs(numeric), 1.0):
            return (f"the traced gradient of {name} is not the numerical gradient of the forward (seed {seed}): "
                    "the forward uses an operation the tracer gets wrong; please report it")
    return None


def _mutants(graph: Graph, true: dict):
    """(node, mistake id, mutate(answer, upstream, values) -> wrong answer) for every mistake the graph's
    shape allows."""
    for node in graph.order:
        answer = true[node]
        consumers = graph.consumers[node]
        if len(consumers) > 1:
            for consumer in consumers:
                if allclose(answer - graph.branch(node, consumer, true), answer):
                    continue    # a branch that sends back (almost) nothing: leaving it out changes nothing
                yield node, "staged_missing_branch", (lambda a, up, v, c=consumer, n=node: a - graph.branch(n, c, up))
        if not allclose(-answer, answer):
            yield node, "staged_sign", (lambda a, up, v: -a)
        if 1 in answer.shape:
            yield node, "staged_not_reshaped", (lambda a, up, v: np.squeeze(a))
        if answer.ndim == 2 and answer.shape[0] != answer.shape[1] and 1 not in answer.shape:
            yield node, "staged_transposed", (lambda a, up, v: a.T)
        if len(consumers) == 1:
            g = true[consumers[0]]
            alone = graph.contributions(consumers[0], np.ones_like(g))[node]
            if not allclose(g, np.ones_like(g)) and not allclose(alone, answer) and not allclose(-alone, answer):
                yield node, "staged_no_upstream", (
                    lambda a, up, v, c=consumers[0], n=node: graph.contributions(c, np.ones_like(up[c]))[n])


class _AllArguments(dict):
    """Every node function's signature: **values (the graph's own answers read what they need)."""

    def get(self, key, default=None):
        return Signature((), (), True)


_TAKES_ALL = _AllArguments()


class _Answers:
    """A runner that answers every node by the graph's own local rule from the upstream gradients it is
    given, and one node with a mistake applied: a reference with one bug, without a file."""

    def __init__(self, graph: Graph, wrong: str, mutate):
        self.graph, self.wrong, self.mutate = graph, wrong, mutate

    def run(self, calls):
        outcomes = []
        for call in calls:
            node = call.function[1:]
            upstream = {c: call.kwargs[f"d{c}"] for c in self.graph.consumers[node]}
            answer = self.graph.local(node, upstream)
            if node == self.wrong:
                answer = self.mutate(answer, upstream, call.kwargs)
            outcomes.append(Outcome("ok", value=np.asarray(answer)))
        return outcomes
