"""Judging one program's numbers: the student's (from the worker) against the reference's, node by
node, and naming what went wrong where a known mistake explains it. Pure functions of numbers."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..runner.autograd_programs import BACKWARD, BARE_NUMBER, BUILD, NUMBER, constant
from .programs import FORWARD, REFLECTED, SOURCE, WITH_CONSTANT, Program, node_name

RTOL, ATOL = 1e-6, 1e-9


@dataclass(frozen=True)
class Numbers:
    """What one run of a program gave: the stage it stopped at, how many nodes it built, every
    node's data and grad with what reading each found, and the exception's type (if any)."""
    stage: int
    built: int
    data: np.ndarray
    grad: np.ndarray
    data_kind: np.ndarray
    grad_kind: np.ndarray
    error_type: str = ""


def numbers_of(value, error: dict | None, nodes: int) -> Numbers | None:
    """The worker's reply as Numbers, or None if it is not what the interpreter sends (a forged
    reply): every field checked for type, dtype and shape."""
    if type(value) is not dict:
        return None
    arrays = {}
    for key, dtype in (("data", np.float64), ("grad", np.float64), ("data_kind", np.int8), ("grad_kind", np.int8)):
        array = value.get(key)
        if type(array) is not np.ndarray or array.dtype != dtype or array.ndim != 1 or len(array) > nodes:
            return None
        arrays[key] = array
    stage, built = value.get("stage"), value.get("built")
    if type(stage) is not int or type(built) is not int or not 0 <= built <= nodes or len(arrays["data"]) != built:
        return None
    if any(len(a) != built for a in arrays.values()):
        return None
    return Numbers(stage, built, error_type=str((error or {}).get("type") or ""), **arrays)


def close(student: float, expected: float) -> bool:
    return math.isfinite(student) and abs(student - expected) <= ATOL + RTOL * abs(expected)


@dataclass(frozen=True)
class Verdict:
    """Why a program fails a test: the mistake id (None: not a known one), what happened (for the
    output), and the node it is about."""
    mistake: str | None
    what: str
    node: int | None = None
    attribute: str = ""           # "data" or "grad": what is wrong at `node`
    expected: float | None = None


def _op_text(program: Program, node: int) -> str:
    op = program.op_of(node)
    if op is None:
        return f"Value({program.leaves[node]!r})"
    return SOURCE[op.name].format(x=node_name(op.x), y=node_name(op.y) if op.y >= 0 else "", k=repr(constant(op.k)))


def forward_verdict(program: Program, student: Numbers, expected: Numbers) -> Verdict | None:
    """None if every node's data is right; else what is wrong at the first wrong node."""
    if student.stage == BUILD:
        at = student.built
        text = _op_text(program, at) if at < program.nodes else "the program"
        op = program.op_of(at) if at < program.nodes else None
        kind = student.error_type
        if kind == "NotImplementedError":
            return Verdict("not_implemented", f"not implemented: `{text}` raises NotImplementedError", at)
        if op is not None and op.name in REFLECTED and kind == "TypeError":
            return Verdict("micrograd_missing_reflected_operator",
                           f"`{text}` raised TypeError: Python asks the number first, then Value.{REFLECTED[op.name]}", at)
        if op is not None and op.name in WITH_CONSTANT and kind in ("TypeError", "AttributeError"):
            return Verdict("micrograd_constant_operand", f"`{text}` raised {kind}: a plain number on one side", at)
        return Verdict("exception", f"`{text}` raised {kind or 'an exception'}", at)
    for node in range(program.nodes):
        if student.data_kind[node] == BARE_NUMBER:
            return Verdict("micrograd_not_a_value", f"`{_op_text(program, node)}` returned a plain number, not a "
                           "Value", node)
        if student.data_kind[node] != NUMBER:
            return Verdict("micrograd_not_a_number", f"{node_name(node)}.data (from `{_op_text(program, node)}`) is "
                           "not a plain number", node)
        if not close(student.data[node], expected.data[node]):
            return Verdict("micrograd_forward_wrong",
                           f"`{node_name(node)} = {_op_text(program, node)}` gives data {student.data[node]:.6g}; "
                           f"expected {expected.data[node]:.6g}", node, "data", float(expected.data[node]))
    return None


def backward_verdict(program: Program, student: Numbers, expected: Numbers) -> Verdict | None:
    """None if every gradient is right (the forward being right); else the first wrong one, from
    the output down. The mistake is left to `name_backward_mistake`, except for an exception."""
    if student.stage == BACKWARD:
        kind = student.error_type
        if kind == "NotImplementedError":
            return Verdict("not_implemented", "not implemented: backward() raises NotImplementedError")
        return Verdict("exception", f"backward() raised {kind or 'an exception'}")
    for node in reversed(range(program.nodes)):
        if student.grad_kind[node] != NUMBER:
            return Verdict("micrograd_not_a_number", f"{node_name(node)}.grad is not a plain number", node)
        if not close(student.grad[node], expected.grad[node]):
            return Verdict(None, f"{node_name(node)}.grad is {student.grad[node]:.6g}; expected "
                           f"{expected.grad[node]:.6g}", node, "grad", float(expected.grad[node]))
    return None


def contributions(program: Program, values: list[float], grads: np.ndarray, node: int) -> list[float]:
    """What each use of `node` adds to its gradient: the local derivative of the operation that
    reads it (central differences of the operation's plain-float value) times that operation's
    gradient as the student's engine has it."""
    found = []
    for user, slot in program.uses()[node]:
        op = program.op_of(user)
        a, b = values[op.x], values[op.y] if op.y >= 0 else 0.0
        h = 1e-6 * max(1.0, abs(values[node]))
        f = FORWARD[op.name]
        k = constant(op.k)
        if slot == 0:
            partial = (f(a + h, b, k) - f(a - h, b, k)) / (2 * h)
        else:
            partial = (f(a, b + h, k) - f(a, b - h, k)) / (2 * h)
        found.append(partial * float(grads[user]))
    return found


def overwritten_node(program: Program, student: Numbers) -> int | None:
    """The first node (from the output down) whose gradient is not the sum of its uses'
    contributions but one of them alone: `=` where `+=` belongs. None if there is none."""
    values = program.values()
    if values is None:
        return None
    reached = program.reached()
    for node in reversed(range(program.nodes)):
        if node == program.output or node not in reached:
            continue
        parts = contributions(program, values, student.grad, node)
        g = float(student.grad[node])
        if abs(g - sum(parts)) <= 1e-5 * max(1.0, abs(sum(parts))):
            continue
        if len(parts) >= 2 and any(abs(g - part) <= 1e-5 * max(1.0, abs(part)) for part in parts):
            return node
        return None
    return None
