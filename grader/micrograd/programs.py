"""Expression programs for a scalar autograd engine: plain data the grader generates from a seed,
the worker runs with the student's class (grader.runner.autograd_programs), and a student reads as
Python source.

A program is in SSA form: node i < len(leaves) is `Value(leaves[i])`, node len(leaves) + j is
ops[j] applied to earlier nodes. Reuse (`c = a * b; d = c + 1; e = c + d`, i.e. `c += c + 1`), a
node reached by two paths of different length, and constants on either side of an operator are
what the generator makes sure of, because that is where engines go wrong.

Values stay where every operation is well behaved (no ReLU at 0, no division by a small number,
tanh away from saturation), so that a wrong local derivative shows, and leaves are short decimals
so that the shrunk program a hint shows reads well.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from ..runner.autograd_programs import OPCODE, constant

# Plain-float forward values of each operation (what a student reads in any lesson): used to keep
# generated values in range and to cut a program, never as the reference.
FORWARD = {
    "add": lambda a, b, k: a + b, "mul": lambda a, b, k: a * b, "sub": lambda a, b, k: a - b,
    "div": lambda a, b, k: a / b, "add_const": lambda a, b, k: a + k, "radd_const": lambda a, b, k: k + a,
    "mul_const": lambda a, b, k: a * k, "rmul_const": lambda a, b, k: k * a,
    "sub_const": lambda a, b, k: a - k, "rsub_const": lambda a, b, k: k - a,
    "div_const": lambda a, b, k: a / k, "rdiv_const": lambda a, b, k: k / a,
    "pow": lambda a, b, k: a ** k, "neg": lambda a, b, k: -a, "relu": lambda a, b, k: max(a, 0.0),
    "tanh": lambda a, b, k: math.tanh(a), "exp": lambda a, b, k: math.exp(a),
}
BINARY = frozenset({"add", "mul", "sub", "div"})
# A constant on the left of the operator: Python asks the constant first, then the Value's
# reflected method (__radd__, ...).
REFLECTED = {"radd_const": "__radd__", "rmul_const": "__rmul__", "rsub_const": "__rsub__",
             "rdiv_const": "__rtruediv__"}
WITH_CONSTANT = frozenset({"add_const", "mul_const", "sub_const", "div_const", "pow", *REFLECTED})
SOURCE = {
    "add": "{x} + {y}", "mul": "{x} * {y}", "sub": "{x} - {y}", "div": "{x} / {y}",
    "add_const": "{x} + {k}", "radd_const": "{k} + {x}", "mul_const": "{x} * {k}", "rmul_const": "{k} * {x}",
    "sub_const": "{x} - {k}", "rsub_const": "{k} - {x}", "div_const": "{x} / {k}", "rdiv_const": "{k} / {x}",
    "pow": "{x} ** {k}", "neg": "-{x}", "relu": "{x}.relu()", "tanh": "{x}.tanh()", "exp": "{x}.exp()",
}
CONSTANTS = {
    "add_const": (1, 2, 0.5, 3), "radd_const": (1, 2, 0.5, 3), "sub_const": (1, 2, 0.5),
    "rsub_const": (1, 2, 3), "mul_const": (2, 3, -1, 0.5, -2), "rmul_const": (2, 3, -1, 0.5, -2),
    "div_const": (2, 4, -2, 0.5), "rdiv_const": (1, 2, -1), "pow": (2, 3, -1, 0.5, 2, -2),
}
LIMIT = 20.0      # |value| of every node


@dataclass(frozen=True)
class Op:
    name: str
    x: int
    y: int = -1
    k: float = 0.0


@dataclass(frozen=True)
class Program:
    leaves: tuple[float, ...]
    ops: tuple[Op, ...]
    output: int
    label: str = ""

    @property
    def size(self) -> int:
        return len(self.ops)

    @property
    def nodes(self) -> int:
        return len(self.leaves) + len(self.ops)

    def op_of(self, node: int) -> Op | None:
        return self.ops[node - len(self.leaves)] if node >= len(self.leaves) else None

    def spec(self, class_name: str, backward: bool = True) -> dict:
        """The program as the worker's interpreter reads it (arrays and numbers only)."""
        ops = np.array([[OPCODE[op.name], op.x, op.y] for op in self.ops], dtype=np.int64).reshape(-1, 3)
        return {"class": class_name, "leaves": np.array(self.leaves, dtype=np.float64), "ops": ops,
                "consts": np.array([op.k for op in self.ops], dtype=np.float64), "output": self.output,
                "backward": backward}

    def values(self) -> list[float] | None:
        """Every node's value in plain floats; None if one is out of range or an operation is used
        where it is badly behaved (see `valid_step`)."""
        values = list(self.leaves)
        for op in self.ops:
            a, b = values[op.x], values[op.y] if op.y >= 0 else 0.0
            out = value_of(op, a, b)
            if out is None:
                return None
            values.append(out)
        return values

    def uses(self) -> list[list[tuple[int, int]]]:
        """For each node, the (node, operand slot) pairs that read it."""
        used: list[list[tuple[int, int]]] = [[] for _ in range(self.nodes)]
        for j, op in enumerate(self.ops):
            node = len(self.leaves) + j
            used[op.x].append((node, 0))
            if op.y >= 0:
                used[op.y].append((node, 1))
        return used

    def reuses_an_interior_node(self) -> bool:
        """True if a computed node (not a leaf) is read more than once: where gradients must add
        up and where the order of the backward pass matters."""
        reached = self.reached()
        return any(len([u for u in uses if u[0] in reached]) > 1
                   for node, uses in enumerate(self.uses()) if node >= len(self.leaves) and node in reached)

    def has_uneven_paths(self) -> bool:
        """True if a computed node is reached from the output by two paths whose lengths differ by
        two or more: whatever order a walk from the output takes, it meets that node by the short
        path before the long one has brought its share (where an engine without a topological
        order goes wrong every time, not by the luck of a set's order)."""
        shortest, longest = {self.output: 0}, {self.output: 0}
        for node in reversed(range(self.nodes)):
            op = self.op_of(node)
            if node not in shortest or op is None:
                continue
            for child in {i for i in (op.x, op.y) if i >= 0}:
                shortest[child] = min(shortest.get(child, 1 << 30), shortest[node] + 1)
                longest[child] = max(longest.get(child, -1), longest[node] + 1)
        return any(longest[node] - shortest[node] >= 2 for node in shortest if self.op_of(node) is not None)

    def reached(self) -> set[int]:
        """The nodes the output depends on (itself included)."""
        seen, stack = set(), [self.output]
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            op = self.op_of(node)
            if op is not None:
                stack.extend(i for i in (op.x, op.y) if i >= 0)
        return seen

    def op_names(self) -> set[str]:
        reached = self.reached()
        return {op.name for j, op in enumerate(self.ops) if len(self.leaves) + j in reached}


def value_of(op: Op, a: float, b: float) -> float | None:
    """op's value on (a, b), or None where the generator keeps away from (see the module)."""
    name, k = op.name, constant(op.k)
    if name == "relu" and abs(a) < 0.05:
        return None
    if (name == "div" and abs(b) < 0.25) or (name == "rdiv_const" and abs(a) < 0.25):
        return None
    if name == "pow" and ((k < 0 and abs(a) < 0.25) or (not float(k).is_integer() and a < 0.2)):
        return None
    if (name == "tanh" and abs(a) > 3.0) or (name == "exp" and a > 2.5):
        return None
    try:
        out = float(FORWARD[name](a, b, k))
    except (ZeroDivisionError, OverflowError, ValueError):
        return None
    return out if math.isfinite(out) and abs(out) <= LIMIT else None


# --- rendering --------------------------------------------------------------------------------

def node_name(i: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return letters[i] if i < len(letters) else f"v{i}"


def render(program: Program, class_name: str = "Value", *, hide_leaves: bool = False) -> str:
    """The program as Python a student can paste: one line per node, then output.backward()."""
    lines = []
    for i, x in enumerate(program.leaves):
        shown = "..." if hide_leaves else repr(float(x))
        lines.append(f"{node_name(i)} = {class_name}({shown})")
    for j, op in enumerate(program.ops):
        text = SOURCE[op.name].format(x=node_name(op.x), y=node_name(op.y) if op.y >= 0 else "",
                                      k=repr(constant(op.k)))
        lines.append(f"{node_name(len(program.leaves) + j)} = {text}")
    lines.append(f"{node_name(program.output)}.backward()")
    return "\n".join(lines)


# --- generation -------------------------------------------------------------------------------

def _leaf(rng: np.random.Generator, magnitudes=(0.5, 1.0, 1.5, 2.0, 2.5, 3.0)) -> float:
    return float(rng.choice([-1, 1]) * rng.choice(magnitudes))


# Probe leaves avoid 1 and -1, where many wrong derivatives happen to be right (k * a ** k at a = 1).
PROBE_MAGNITUDES = (0.5, 1.5, 2.0, 2.5, 3.0)


def _op(rng: np.random.Generator, name: str, x: int, y: int = -1) -> Op:
    k = float(rng.choice(CONSTANTS[name])) if name in WITH_CONSTANT else 0.0
    return Op(name, x, y if name in BINARY else -1, k)


PROBE_ORDER = ("add", "mul", "pow", "relu", "tanh", "exp", "neg", "sub", "div", "add_const", "radd_const",
               "mul_const", "rmul_const", "sub_const", "rsub_const", "div_const", "rdiv_const")


def probes(rng: np.random.Generator) -> list[Program]:
    """One program per operation, applied once to fresh leaves: its backward is its local
    derivative alone, so a wrong one is found here before anything else. Primitive operations
    first (a derived one, a / b = a * b ** -1, fails when they do)."""
    made = []
    # relu twice: on a positive and on a negative value (its two sides)
    for name, sign in [(name, sign) for name in PROBE_ORDER for sign in ((1, -1) if name == "relu" else (0,))]:
        while True:
            leaves = (_leaf(rng, PROBE_MAGNITUDES), _leaf(rng, PROBE_MAGNITUDES))
            if name == "pow":
                leaves = (abs(leaves[0]), leaves[1])
            if sign:
                leaves = (sign * abs(leaves[0]), leaves[1])
            op = _op(rng, name, 0, 1)
            program = Program(leaves if name in BINARY else leaves[:1], (op,), len(leaves) if name in BINARY else 1,
                              label=f"probe {name}")
            if program.values() is not None:
                made.append(program)
                break
    return made


def templates(rng: np.random.Generator) -> list[Program]:
    """The shapes where engines go wrong, with fresh values: `c += c + 1`, a node used twice in one
    operation, and a node reached by two paths of different length."""
    made = []
    while len(made) < 3:
        a, b = _leaf(rng), _leaf(rng)
        candidates = [
            # c = a * b; d = c + 1; e = c + d  (c += c + 1), then e * b
            Program((a, b), (Op("mul", 0, 1), Op("add_const", 2, k=1.0), Op("add", 2, 3), Op("mul", 4, 1)), 5,
                    "reuse"),
            # c = a * a; d = c + c; e = d.tanh()
            Program((a / 4,), (Op("mul", 0, 0), Op("add", 1, 1), Op("tanh", 2)), 3, "square"),
            # c = a * b; d = c.tanh(); e = 2 * d; f = e.exp(); g = f * c  (c by a long and a short path)
            Program((a / 2, b / 2), (Op("mul", 0, 1), Op("tanh", 2), Op("rmul_const", 3, k=2.0), Op("exp", 4),
                                     Op("mul", 5, 2)), 6, "two paths"),
        ]
        program = candidates[len(made)]
        if program.values() is not None:
            made.append(program)
    return made


def random_program(rng: np.random.Generator, n_ops: int, label: str = "random") -> Program:
    """A random DAG: operands mostly the newest nodes (long chains), sometimes older ones (a node
    reached by paths of different length) or the same node twice; then the nodes nothing reads
    are added up into the output, so that every node gets a gradient."""
    names = sorted(FORWARD)
    leaves = tuple(_leaf(rng) for _ in range(int(rng.integers(2, 4))))
    values, ops = list(leaves), []

    def operand() -> int:
        return len(values) - 1 if rng.random() < 0.5 else int(rng.integers(0, len(values)))
    while len(ops) < n_ops:
        for _ in range(50):
            name = str(rng.choice(names))
            x = operand()
            y = x if rng.random() < 0.15 else operand()
            op = _op(rng, name, x, y)
            out = value_of(op, values[op.x], values[op.y] if op.y >= 0 else 0.0)
            if out is not None:
                ops.append(op)
                values.append(out)
                break
        else:
            break
    program = Program(leaves, tuple(ops), len(values) - 1, label)
    read = {i for op in ops for i in (op.x, op.y) if i >= 0}
    for sink in [i for i in range(len(values) - 1) if i not in read]:
        for name in ("add", "sub"):
            op = Op(name, len(values) - 1, sink)
            out = value_of(op, values[-1], values[sink])
            if out is not None:
                ops.append(op)
                values.append(out)
                break
    # a sink that could not be joined in range is dropped, with what only it reads
    return without_unreached(replace(program, ops=tuple(ops), output=len(values) - 1))


def deep_chain(length: int) -> Program:
    """x -> tanh(0.9 x + 0.05), repeated: `length` operations, each node reading the one before,
    deeper than Python's default recursion limit (1000) allows a recursive walk to go."""
    ops = []
    for step in range(length):
        node = 1 + step
        ops.append([Op("mul_const", node - 1, k=0.9), Op("add_const", node - 1, k=0.05), Op("tanh", node - 1)][step % 3])
    return Program((0.5,), tuple(ops), length, "deep chain")


# --- cutting a program down (for the hint's smallest expression) ------------------------------

def without_unreached(program: Program) -> Program:
    """The program with every node the output does not depend on removed, renumbered."""
    reached = program.reached()
    keep = [i for i in range(program.nodes) if i in reached]
    new_index = {old: new for new, old in enumerate(keep)}
    leaves = tuple(program.leaves[i] for i in keep if i < len(program.leaves))
    ops = tuple(Op(op.name, new_index[op.x], new_index.get(op.y, -1), op.k)
                for i in keep if (op := program.op_of(i)) is not None)
    return Program(leaves, ops, new_index[program.output], program.label)


def as_leaf(program: Program, node: int, value: float) -> Program:
    """The program with computed node `node` replaced by a leaf holding `value` (its subtree cut)."""
    n_leaves = len(program.leaves)
    leaves = program.leaves + (value,)
    # the new leaf is appended after the old leaves: every computed node shifts by one
    def moved(i: int) -> int:
        return n_leaves if i == node else (i + 1 if i >= n_leaves else i)
    ops = tuple(Op(op.name, moved(op.x), moved(op.y) if op.y >= 0 else -1, op.k)
                for j, op in enumerate(program.ops))
    return without_unreached(Program(leaves, ops, moved(program.output), program.label))


def bypassed(program: Program, node: int) -> Program:
    """The program with computed node `node` left out: what read it reads its first operand."""
    source = program.op_of(node).x

    def moved(i: int) -> int:
        return source if i == node else i
    ops = tuple(Op(op.name, moved(op.x), moved(op.y) if op.y >= 0 else -1, op.k) for op in program.ops)
    return without_unreached(Program(program.leaves, ops, moved(program.output), program.label))


def reductions(program: Program) -> list[Program]:
    """Smaller programs than `program`: each computed node made the output (everything after it
    dropped), left out (its readers read its first operand), or cut to a leaf of its value rounded
    to one decimal (or kept exact, if rounding leaves the valid range). Valid ones only, smallest
    first."""
    values = program.values()
    if values is None:
        return []
    found: dict[Program, None] = {}
    for node in range(len(program.leaves), program.nodes):
        if node != program.output:
            found[without_unreached(replace(program, output=node))] = None
        found[bypassed(program, node)] = None
        for value in dict.fromkeys((round(values[node], 1), values[node])):
            if value != 0.0:
                found[as_leaf(program, node, value)] = None
    smaller = [p for p in found if p.size < program.size and p.size > 0 and p.values() is not None]
    return sorted(smaller, key=lambda p: (p.size, p.nodes))


def revalued(program: Program, rng: np.random.Generator) -> Program | None:
    """The same expression with fresh leaf values (None if they leave the valid range)."""
    leaves = tuple(abs(_leaf(rng)) if x > 0 else -abs(_leaf(rng)) for x in program.leaves)
    fresh = replace(program, leaves=leaves)
    return fresh if fresh.values() is not None else None
