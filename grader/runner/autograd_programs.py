"""The interpreter of autograd programs: runs a program the grader generated with a student's
scalar autograd class (a micrograd-style `Value`, an `MLP` built on it) and reads back numbers.

It runs inside the sandboxed worker (loaded by worker_main beside protocol.py, before any student
code exists), so it imports nothing of the grader: numpy and the standard library only. The grader
runs the same functions in its own process on the reference engine, so both sides build the very
same expressions in the very same order.

Nothing of the student's objects leaves: every `.data` and `.grad` is read and turned into a float
by `number`, which accepts exactly float, int and numpy's numeric scalar types (checked with
`type(x) is ...`, which no class can fake) and never calls a method of anything else, so an object
that lies about its type or overrides __float__, __eq__ or comparisons is reported as "not a
number" instead of being believed. A student's exception is returned beside the numbers (the worker
describes it, and the grader redacts it on hidden programs), with the stage and node it happened at.

A program is plain data: `leaves` (the values of the first nodes, each `Value(x)`), `ops` (one row
per further node: [opcode, x, y], x and y indices of earlier nodes, -1 where unused), `consts` (the
constant of each op row) and `output` (the node whose backward() is called).
"""
from __future__ import annotations

import contextlib
import math
import sys

import numpy as np

# Opcodes, in order: name -> how the interpreter applies it (a, b nodes; k the row's constant).
OPS = (
    ("add", lambda a, b, k: a + b),
    ("mul", lambda a, b, k: a * b),
    ("sub", lambda a, b, k: a - b),
    ("div", lambda a, b, k: a / b),
    ("add_const", lambda a, b, k: a + k),
    ("radd_const", lambda a, b, k: k + a),
    ("mul_const", lambda a, b, k: a * k),
    ("rmul_const", lambda a, b, k: k * a),
    ("sub_const", lambda a, b, k: a - k),
    ("rsub_const", lambda a, b, k: k - a),
    ("div_const", lambda a, b, k: a / k),
    ("rdiv_const", lambda a, b, k: k / a),
    ("pow", lambda a, b, k: a ** k),
    ("neg", lambda a, b, k: -a),
    ("relu", lambda a, b, k: a.relu()),
    ("tanh", lambda a, b, k: a.tanh()),
    ("exp", lambda a, b, k: a.exp()),
)
OPCODE = {name: code for code, (name, _) in enumerate(OPS)}

# Where a program stopped (`stage`): it ran to the end, or a step raised.
DONE, BUILD, BACKWARD, ZERO_GRAD, PARAMETERS = 0, 1, 2, 3, 4

# What reading one number found (`*_kind` arrays). BARE_NUMBER: the node itself is a plain number,
# not an object with .data (an operation that returned math.exp(self.data) instead of a Value).
NUMBER, NOT_A_NUMBER, UNREADABLE, ABSENT, BARE_NUMBER = 0, 1, 2, 3, 4

_NUMERIC_TYPES = frozenset({float, int, np.float64, np.float32, np.float16, np.int64, np.int32,
                            np.int16, np.int8, np.uint64, np.uint32, np.uint16, np.uint8})
MAX_NODES = 20_000
# Python's default recursion limit: every program runs under it, whatever an earlier program, the
# student's module or (in-process) the grader's own process set, so that a recursive walk fails on
# the deep chain the same way everywhere. A student's backward may still raise it for itself.
RECURSION_LIMIT = 1000


@contextlib.contextmanager
def default_recursion_limit():
    saved = sys.getrecursionlimit()
    sys.setrecursionlimit(RECURSION_LIMIT)
    try:
        yield
    finally:
        sys.setrecursionlimit(saved)


def number(value) -> tuple[float, int]:
    """`value` as a float and NUMBER, or (nan, NOT_A_NUMBER) for anything but a plain number."""
    if type(value) not in _NUMERIC_TYPES:
        return math.nan, NOT_A_NUMBER
    try:
        return float(value), NUMBER       # float() of an exact built-in or numpy type: no student code
    except OverflowError:                 # an int too large for a float
        return math.nan, NOT_A_NUMBER


def constant(k: float):
    """A program's constant as the student's code sees it: 2, not 2.0, where it is a whole number."""
    return int(k) if float(k).is_integer() and abs(k) < 2**53 else float(k)


def read(nodes: list, attribute: str) -> tuple[np.ndarray, np.ndarray]:
    """`attribute` of every node as floats, with what reading each one found."""
    values = np.full(len(nodes), np.nan)
    kinds = np.full(len(nodes), ABSENT, dtype=np.int8)
    for i, node in enumerate(nodes):
        if type(node) in _NUMERIC_TYPES:
            kinds[i] = BARE_NUMBER
            continue
        try:
            values[i], kinds[i] = number(getattr(node, attribute))
        except BaseException:   # noqa: BLE001 - a property that raises is the student's; reading goes on
            kinds[i] = UNREADABLE
    return values, kinds


def run_program(module, spec: dict):
    """Build `spec`'s program with the module's class, call backward() on its output, read every
    node. Returns (numbers, the student's exception or None)."""
    with default_recursion_limit():
        return _run_program(module, spec)


def _run_program(module, spec: dict):
    value_class = getattr(module, spec["class"])
    leaves, ops, consts = spec["leaves"], spec["ops"], spec["consts"]
    nodes: list = []
    stage, error = BUILD, None
    try:
        if len(leaves) + len(ops) > MAX_NODES:
            raise ValueError("program too large")
        for x in leaves.tolist():
            nodes.append(value_class(x))
        for (code, x, y), k in zip(ops.tolist(), consts.tolist()):
            apply = OPS[code][1]
            nodes.append(apply(nodes[x], nodes[y] if y >= 0 else None, constant(k)))
        if spec.get("backward", True):
            stage = BACKWARD
            nodes[int(spec["output"])].backward()
        stage = DONE
    except BaseException as raised:   # noqa: BLE001 - reported as numbers and the exception's description
        error = raised
    data, data_kind = read(nodes, "data")
    grad, grad_kind = read(nodes, "grad")
    return {"stage": stage, "built": len(nodes), "data": data, "grad": grad,
            "data_kind": data_kind, "grad_kind": grad_kind}, error


def run_network(module, spec: dict):
    """One training step of the module's MLP, twice, with zero_grad() between.

    Builds MLP(nin, nouts), sets every weight and bias (through the .layers / .neurons / .w / .b
    structure the assignment fixes, so that the order of parameters() does not matter), and
    computes the squared-error loss of the batch (x, y) with the student's own operators. Reads the
    loss, every parameter's grad after backward(), after zero_grad() and after a second
    forward and backward, and which parameters parameters() returns (by identity)."""
    network_class = getattr(module, spec["class"])
    nin, nouts, weights = int(spec["nin"]), [int(n) for n in spec["nouts"]], spec["weights"].tolist()
    x, y = spec["x"].tolist(), spec["y"].tolist()
    known: list = []
    found = np.zeros(len(weights), dtype=np.int8)
    listed = -1
    loss_data, loss_kind = np.full(2, np.nan), np.full(2, ABSENT, dtype=np.int8)
    grads = [np.full(len(weights), np.nan) for _ in range(3)]
    kinds = [np.full(len(weights), ABSENT, dtype=np.int8) for _ in range(3)]
    stage, error = BUILD, None
    try:
        model = network_class(nin, nouts)
        for layer in model.layers:
            for neuron in layer.neurons:
                known.extend(neuron.w)
                known.append(neuron.b)
        if len(known) != len(weights):
            raise ValueError(f"the network has {len(known)} weights and biases; MLP({nin}, {nouts}) has "
                             f"{len(weights)}")
        for parameter, w in zip(known, weights):
            parameter.data = w
        for step in range(2):
            stage = BUILD
            loss = None
            for xi, yi in zip(x, y):
                out = model(xi)
                if type(out) in (list, tuple):
                    out = out[0]
                term = (out - yi) ** 2
                loss = term if loss is None else loss + term
            loss_data[step], loss_kind[step] = number(loss.data)
            stage = BACKWARD
            loss.backward()
            grads[2 * step], kinds[2 * step] = read(known, "grad")
            if step == 0:
                stage = PARAMETERS
                returned = list(model.parameters())
                listed = len(returned)
                ids = {id(p) for p in returned}
                found = np.array([id(p) in ids for p in known], dtype=np.int8)
                stage = ZERO_GRAD
                model.zero_grad()
                grads[1], kinds[1] = read(known, "grad")
        stage = DONE
    except BaseException as raised:   # noqa: BLE001
        error = raised
    return {"stage": stage, "loss": loss_data, "loss_kind": loss_kind, "grad": grads[0], "grad_kind": kinds[0],
            "zeroed": grads[1], "zeroed_kind": kinds[1], "again": grads[2], "again_kind": kinds[2],
            "found": found, "listed": listed}, error


# The trusted helpers a worker serves (a Call's `helper`): name -> function(module, *args).
HELPERS = {"autograd_program": run_program, "autograd_network": run_network}
