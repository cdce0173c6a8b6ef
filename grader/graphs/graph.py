"""A staged graph: the named steps of an instructor's forward, each with its local backward rule.

`trace(forward, inputs, params)` runs the forward on traced parameters (grader.graphs.tracer).
Every traced array the forward returns under a name is a *node*; what the forward computed
between named steps without naming it (`-logprobs[range(n), Yb].mean()`: an index, a mean, a
negation) belongs to the node it produced. A node's local rule maps its gradient to a contribution
for each named value it reads; a value read by several nodes (bndiff, by bndiff2 and bnraw) gets
the sum of their contributions: gradients add where a value is used twice.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

from .tracer import Traced, Untraceable


class GraphError(ValueError):
    """A forward that cannot be graded as a staged graph; the message says what to change."""


@dataclass
class Graph:
    """The traced forward: named values, and for each node the tape back to the values it reads."""
    values: dict[str, object]                   # every named value: nodes (arrays), params, extras
    nodes: tuple[str, ...]                      # traced names, in the order the forward made them
    params: tuple[str, ...]
    root: str
    parents: dict[str, tuple[str, ...]]         # node -> named values its step reads, in operand order
    consumers: dict[str, tuple[str, ...]]       # node -> nodes whose step reads it
    order: tuple[str, ...]                      # nodes whose gradient the student writes, root's first consumer first
    _tape: dict[str, list[Traced]]
    _names: dict[int, str]

    def shape(self, name: str) -> tuple:
        return np.shape(self.values[name])

    def contributions(self, node: str, grad: np.ndarray) -> dict[str, np.ndarray]:
        """The local rule of `node`'s step: what `grad` (dL/dnode) sends to each value it reads."""
        root = self._tape[node][0]
        grads = {root.id: np.asarray(grad, dtype=np.float64)}
        out: dict[str, np.ndarray] = {}
        for step in self._tape[node]:
            g = grads.pop(step.id, None)
            if g is None or step.vjp is None:
                continue
            for operand, part in zip(step.operands, step.vjp(g)):
                name = self._names.get(operand.id)
                target = out if name is not None else grads
                key = name if name is not None else operand.id
                target[key] = target[key] + part if key in target else part
        return out

    def branch(self, node: str, consumer: str, upstream: Mapping[str, np.ndarray]) -> np.ndarray:
        """The contribution to d<node> that flows back through `consumer`, from `upstream`[consumer]."""
        return self.contributions(consumer, upstream[consumer])[node]

    def local(self, node: str, upstream: Mapping[str, np.ndarray]) -> np.ndarray:
        """d<node> by its local rule: the sum of its consumers' contributions, from `upstream`."""
        parts = [self.branch(node, consumer, upstream) for consumer in self.consumers[node]]
        return np.sum(parts, axis=0) if len(parts) > 1 else parts[0]

    def gradients(self, root_grad: np.ndarray) -> dict[str, np.ndarray]:
        """The true gradient of every node, the root's being `root_grad`."""
        grads = {self.root: np.asarray(root_grad, dtype=np.float64)}
        for node in self.order:
            grads[node] = self.local(node, grads)
        return grads

    def extras(self) -> tuple[str, ...]:
        """Named values that are not nodes: data (Xb, Yb) and numbers (n) a student may read."""
        return tuple(name for name in self.values if name not in self.nodes)


def trace(forward: Callable, inputs: Mapping[str, object], params: tuple[str, ...]) -> Graph:
    """Run `forward(**inputs)` with `params` traced; GraphError if it cannot be a staged graph."""
    missing = [p for p in params if p not in inputs]
    if missing:
        raise GraphError(f"make_inputs gave no {', '.join(missing)}, declared among the params")
    traced = {name: Traced(np.asarray(inputs[name], dtype=np.float64)) if name in params else value
              for name, value in inputs.items()}
    try:
        returned = forward(**traced)
    except Untraceable as error:
        raise GraphError(f"the forward uses an operation the grader cannot trace: {error}") from None
    except Exception as error:  # noqa: BLE001 - the author's forward, reported as their mistake
        raise GraphError(f"the forward fails on traced inputs: {type(error).__name__}: {error}") from None
    if not isinstance(returned, Mapping):
        raise GraphError("the forward must return its named steps as a dict (e.g. `return locals()`)")
    values: dict[str, object] = {}
    names: dict[int, str] = {}
    for name, value in {**traced, **returned}.items():
        if isinstance(value, Traced):
            if value.id in names and names[value.id] != name:
                raise GraphError(f"{name} is the same array as {names[value.id]}: give each step one name")
            names.setdefault(value.id, name)
        values[name] = value
    nodes = tuple(name for name, value in values.items() if isinstance(value, Traced) and names[value.id] == name)
    if not nodes or nodes[-1] in params:
        raise GraphError("the forward's last named step (the loss, or the output) must be computed from the params")
    root = nodes[-1]
    by_name = {name: values[name] for name in nodes}
    tape, parents = {}, {}
    for name in nodes:
        tape[name], parents[name] = _segment(by_name[name], names)
    consumers = {name: tuple(c for c in nodes if name in parents[c]) for name in nodes}
    order = _reverse_order(root, parents, consumers)
    # A step whose result never reaches the root sends nothing back: it is no consumer.
    reaching = set(order) | {root}
    consumers = {name: tuple(c for c in readers if c in reaching) for name, readers in consumers.items()}
    plain = {name: (value.value if isinstance(value, Traced) else value) for name, value in values.items()}
    return Graph(plain, nodes, tuple(params), root, parents, consumers, order, tape, names)


def _segment(node: Traced, names: dict[int, str]) -> tuple[list[Traced], tuple[str, ...]]:
    """The tape of `node`'s step, last operation first, and the named values it reads in operand
    order: everything behind `node` up to the named values."""
    post: list[Traced] = []
    reads: list[str] = []
    seen: set[int] = set()

    def visit(t: Traced, top: bool) -> None:
        if not top and t.id in names:
            if names[t.id] not in reads:
                reads.append(names[t.id])
            return
        if t.id in seen:
            return
        seen.add(t.id)
        for operand in t.operands:
            visit(operand, False)
        post.append(t)
    visit(node, True)
    return list(reversed(post)), tuple(reads)


def _reverse_order(root: str, parents: dict, consumers: dict) -> tuple[str, ...]:
    """The nodes behind `root`, each after every node that reads it: breadth first from the root,
    a step's inputs in operand order, as a student works back through the forward."""
    behind, stack = set(), [root]
    while stack:
        for parent in parents[stack.pop()]:
            if parent not in behind:
                behind.add(parent)
                stack.append(parent)
    waiting = {name: sum(1 for c in consumers[name] if c in behind or c == root) for name in behind}
    order, queue = [], deque([root])
    while queue:
        for parent in parents[queue.popleft()]:
            waiting[parent] -= 1
            if waiting[parent] == 0:
                order.append(parent)
                queue.append(parent)
    return tuple(order)
