"""What is wrong at a node whose local step is wrong, said about the student's own graph.

Every diagnosis is a mechanical fix, tried on the student's answer (grader.diagnosis.proof's
idea): a mistake is named only when applying its fix to what the student returned gives the
node's local rule applied to the student's own upstream gradients. "dbndiff is missing the
contribution through bndiff2" is said only because adding that contribution makes it right.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

from ..compare import allclose
from ..diagnosis.shapes import fmt
from .graph import Graph

# Stable ids (published: tests/grader/mistake_ids.golden); never rename or reuse one.
MISTAKES = {
    "staged_missing_branch": "a node's gradient lacks the contribution of one of the steps that read it "
                             "(a value used twice: gradients add)",
    "staged_not_summed": "a node's gradient has the shape of the step that broadcast it: not summed back "
                         "over the broadcast axes (keepdims)",
    "staged_not_reshaped": "a node's gradient has the right entries in the wrong shape (a dropped or extra "
                           "size-1 axis, or a flattened view)",
    "staged_transposed": "a node's gradient is the transpose of its local rule's",
    "staged_wrong_shape": "a node's gradient has the wrong shape, with no more specific cause known",
    "staged_no_upstream": "a node's gradient is its local derivative alone, not multiplied by the upstream gradient",
    "staged_sign": "a node's gradient has the wrong sign",
    "staged_bessel": "a node's gradient uses 1/n where the forward used 1/(n-1), or the other way round",
    "staged_local_wrong": "a node's gradient does not follow from its upstream gradients by the node's local "
                          "rule, with no more specific cause known",
    "staged_not_finite": "a node's gradient contains NaN or inf",
    "not_a_function": "a node's gradient is assigned as a value (dprobs = ...) instead of defined as a function",
}


@dataclass(frozen=True)
class NodeMistake:
    """A known wrong answer at one node, declared in the graph's hidden half: `answer(v)` computes it
    from `v`, the values a node function may name (the forward's values and the gradients computed
    before it, `dh`, ...). A student whose answer equals it reads `says` and `hint` under `id`.
    Example: NodeMistake("hpreact", "ninja_tanh_of_preactivation", "dhpreact uses 1 - hpreact**2 ...",
    lambda v: (1 - v["hpreact"] ** 2) * v["dh"], "tanh's derivative is 1 - tanh(x)**2 = 1 - h**2.")"""
    node: str
    id: str
    says: str
    answer: Callable[[Mapping[str, object]], np.ndarray]
    hint: str | None = None


@dataclass(frozen=True)
class Diagnosis:
    mistake: str
    says: str            # what is wrong, about the student's graph
    hint: str | None     # what to do, shown only when proven


def diagnose(graph: Graph, node: str, student: np.ndarray, expected: np.ndarray,
             upstream: Mapping[str, np.ndarray], declared: tuple[NodeMistake, ...] = (),
             available: Mapping[str, object] | None = None) -> Diagnosis:
    """Why `student` (d<node>) is not `expected`, the local rule applied to `upstream`: a mistake
    declared for this node (computed from `available`, what the node's function could read) first,
    then the ones the graph's shape explains."""
    d, shape = f"d{node}", graph.shape(node)
    for mistake in declared:
        if mistake.node == node and allclose(student, declared_answer(mistake, available or {}, shape)):
            return Diagnosis(mistake.id, mistake.says, mistake.hint)
    if not np.all(np.isfinite(student)):
        return Diagnosis("staged_not_finite", f"{d} contains NaN or inf", "Look for a division by zero or a log "
                         "of zero in your formula; the forward's values are all finite.")
    if student.shape != shape:
        return _shape(graph, node, student, expected)
    for consumer in graph.consumers[node] if len(graph.consumers[node]) > 1 else ():
        part = graph.branch(node, consumer, upstream)
        if allclose(student + part, expected):
            others = [c for c in graph.consumers[node] if c != consumer]
            return Diagnosis(
                "staged_missing_branch",
                f"{d} is missing the contribution that flows back through {consumer}: {node} is used "
                f"{_times(len(graph.consumers[node]))} (by {', '.join(others)} and {consumer}), and gradients add "
                "where a value is used twice",
                f"Add the gradient that {consumer}'s step sends back to {node} (from d{consumer}) to what you have.")
    single = graph.consumers[node][0] if len(graph.consumers[node]) == 1 else None
    if single is not None:
        g = np.asarray(upstream[single])
        alone = graph.contributions(single, np.ones_like(g))[node]     # the step's rule with ones for d<single>
        if not allclose(g, np.ones_like(g)) and allclose(student, alone):
            # "Multiply by it" is proposed only where multiplying the answer by it gives the rule.
            multiply = g.shape == shape and allclose(student * g, expected)
            return Diagnosis("staged_no_upstream", f"{d} is the local gradient without the upstream d{single}",
                             f"Multiply by d{single}: the chain rule is local gradient times upstream gradient."
                             if multiply else f"The chain rule carries the upstream gradient d{single} into "
                             f"{single}'s rule: use it where your formula has ones.")
    if allclose(-student, expected):
        steps = " and ".join(f"{c}'s" for c in graph.consumers[node])
        return Diagnosis("staged_sign", f"{d} has the wrong sign",
                         f"Check the sign of what {steps} step sends back to {node}.")
    bessel = _bessel(graph, d, student, expected)
    if bessel is not None:
        return bessel
    readers = graph.consumers[node]
    inputs = " and ".join(f"d{c}" for c in readers)
    how = (f"work it out from {readers[0]}'s step alone: the derivative of {readers[0]} with respect to {node}, "
           f"times d{readers[0]} (summed over any axis {node} was broadcast along)" if len(readers) == 1 else
           f"it is the sum of what each step that reads {node} ({', '.join(readers)}) sends back from its own "
           "upstream gradient")
    return Diagnosis("staged_local_wrong", f"{d} does not follow from your {inputs} by {node}'s local rule",
                     f"No known mistake explains it: {how}.")


def declared_answer(mistake: NodeMistake, available: Mapping[str, object], shape: tuple) -> np.ndarray:
    """The declared wrong answer, or an array no answer equals when the declaration cannot compute
    it here (the instructor's function is trusted code; its failure must not end the grade)."""
    try:
        with np.errstate(all="ignore"):
            return np.asarray(mistake.answer(available), dtype=np.float64)
    except Exception:  # noqa: BLE001
        return np.full(shape, np.nan)


def _times(count: int) -> str:
    return {2: "twice", 3: "three times"}.get(count, f"{count} times")


def _shape(graph: Graph, node: str, student: np.ndarray, expected: np.ndarray) -> Diagnosis:
    d, shape = f"d{node}", graph.shape(node)
    wrong = f"{d} has shape {fmt(student.shape)}, but {node} has shape {fmt(shape)}"
    summed = _summed(student, shape)
    if summed is not None and allclose(summed, expected):
        # Named as the seeds say it ("the shape of counts"): a value the broadcasting step reads beside
        # this one, else that step's own result.
        beside = [v for c in graph.consumers[node] for v in (*graph.parents[c], c) if v != node]
        like = next((v for v in beside if np.shape(graph.values[v]) == student.shape), None)
        lead = student.ndim - len(shape)
        kept = [a for a in range(lead, student.ndim) if shape[a - lead] == 1 and student.shape[a] != 1]
        how = _sum_words(list(range(lead)), kept)
        says = f"{d} has the shape of {like}: {how}" if like else f"{wrong}: {how}"
        return Diagnosis("staged_not_summed", says,
                         f"{node} was broadcast in the forward, so its gradient sums over the axes it was "
                         f"stretched along: {how}.")
    if student.size == int(np.prod(shape)) and allclose(student.reshape(shape), expected):
        return Diagnosis("staged_not_reshaped", f"{wrong}: the right values in the wrong shape",
                         f"Reshape it to {node}'s shape {fmt(shape)} (or sum with keepdims=True).")
    if student.ndim == 2 and student.T.shape == shape and allclose(student.T, expected):
        return Diagnosis("staged_transposed", f"{wrong}: it is transposed",
                         "Swap the order of the matrix product (and transpose its factors).")
    return Diagnosis("staged_wrong_shape", wrong,
                     f"A gradient always has the shape of the value it is the gradient of: {fmt(shape)}.")


def _sum_words(dropped: list[int], kept: list[int]) -> str:
    """How to sum a broadcast gradient back: over the axes broadcasting added, then with keepdims over
    the size-1 axes it stretched."""
    axes = lambda group: f"axis {group[0]}" if len(group) == 1 else f"axes {tuple(group)}"
    if dropped and kept:
        return f"sum over {axes(dropped)}, and over {axes([a - len(dropped) for a in kept])} with keepdims"
    return f"sum over {axes(dropped)}" if dropped else f"sum over {axes(kept)} with keepdims"


def _summed(student: np.ndarray, shape: tuple) -> np.ndarray | None:
    if student.ndim < len(shape):
        return None
    lead = student.ndim - len(shape)
    if any(s != 1 and s != t for s, t in zip(shape, student.shape[lead:])):
        return None
    summed = student.sum(axis=tuple(range(lead))) if lead else student
    axes = tuple(a for a, s in enumerate(shape) if s == 1 and summed.shape[a] != 1)
    return summed.sum(axis=axes, keepdims=True) if axes else summed


def _bessel(graph: Graph, d: str, student: np.ndarray, expected: np.ndarray) -> Diagnosis | None:
    """1/n for 1/(n-1) (or back): the student's answer is the right one times (n-1)/n or n/(n-1),
    for a batch size n of the graph."""
    sizes = sorted({s for name in graph.nodes for s in np.shape(graph.values[name]) if s > 2})
    named = {value: name for name, value in graph.values.items() if isinstance(value, int) and not isinstance(value, bool)}
    for m in sizes:
        n = named.get(m, str(m))
        if allclose(student, expected * (m - 1) / m):
            return Diagnosis("staged_bessel", f"{d} uses 1/{n} where the forward used 1/({n}-1)",
                             f"The forward divides by {n}-1 here (Bessel's correction): so must its gradient.")
        if allclose(student, expected * m / (m - 1)):
            return Diagnosis("staged_bessel", f"{d} uses 1/({n}-1) where the forward used 1/{n}",
                             f"The forward divides by {n} here: so must its gradient.")
    return None
