"""Wrong results that are the reference with one small change: a factor or a term left out, another
axis, a transpose, one variable for another, `=` for `+=`, a step left out.

Declared mistakes name what an exercise's students are known to get wrong, and every new set of
students brings mistakes no declaration has. Most of them are one edit away from a right solution.
So, where nothing else named a cause, the reference function is changed in one place at a time (its
source, parsed; never the student's), each changed version is re-run on the failing case, and one
whose result equals the student's is the diagnosis: undoing that change gives the right answer on
this case, which is the proof every shown hint needs. The hint says what the change is in the
reference's own terms (`the factor gamma is left out`, `summed over axis 1 where axis 0 belongs`,
in the step that computes dvar), never the reference's code around it, and never a value of the
case. Nothing here knows an exercise: an instructor's new exercise gets these diagnoses for free.

The changed functions are instructor-written reference code with one node altered: trusted code,
run in the grading process like the reference itself, on copies of the case's arrays. Changes that
could loop (a `while` test, a `range` bound) are never made, nor those that agree with wrong answers
by chance too often (the axis of a max, a number inside an index, one size for another).
"""
from __future__ import annotations

import ast
import copy
import dataclasses
import functools
import types
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import CodeType
from typing import Callable, Iterator

import numpy as np

from ..compare import allclose
from ..oracle import Oracle
from ..runner.rebinding import namespace_with
from .mistake_ids import value_mistake
from .values import same_values

# The changed versions tried per diagnosis, the commonest slips first (_RANKS). The built-in
# references have up to about 1,000 (lstm's backward with the step it calls); past the cap are only
# the last-ranked (one variable for another, a step left out). A count, not a time, so that a
# grade's hints do not depend on the machine; bounded so that no failing check takes long.
MAX_TRIED = 600

# A fragment of the reference longer than this is not quoted: the hint names the step instead.
MAX_QUOTED = 32

_REDUCTIONS = {"sum", "mean", "max", "min", "var", "std", "argmax", "argmin", "prod"}
_SELECTIONS = {"max", "min", "argmax", "argmin"}
_SWAPS = {"sum": "mean", "mean": "sum", "max": "min", "min": "max", "maximum": "minimum",
          "minimum": "maximum", "argmax": "argmin", "argmin": "argmax", "var": "std", "std": "var"}
_UNWRAPPED = {"reversed", "sqrt", "exp", "log", "tanh", "abs", "square"}
_COMPARE_SWAPS = {ast.Gt: (ast.GtE, ast.Lt), ast.GtE: (ast.Gt,), ast.Lt: (ast.LtE, ast.Gt), ast.LtE: (ast.Lt,),
                  ast.Eq: (ast.NotEq,), ast.NotEq: (ast.Eq,)}
_AUGMENTED = {ast.Add: ("+", "term_off"), ast.Sub: ("-", "term_off"), ast.Mult: ("*", "factor_off"),
              ast.Div: ("/", "factor_off")}
_SYMBOL = {ast.Gt: ">", ast.GtE: ">=", ast.Lt: "<", ast.LtE: "<=", ast.Eq: "==", ast.NotEq: "!="}

# What to check, by the kind of change (_RANKS).
# What the same change made at every place it can be is told (changes_in).
EVERYWHERE_SAYS = ", everywhere it appears"

ADVICE = {
    "overwrite": "A value used in more than one place gets the sum of the gradients from every use: +=, not =.",
    "term": "Write out every term of the formula: each path from the loss back to this value adds its own term.",
    # a forward's output, a loss, or a loss's dx (its change may be in a step of the loss): no path is claimed
    "forward term": "Write out every term of the formula and check each against yours.",
    "factor": "Each step's gradient is its local derivative times the gradient flowing into it: check every factor, "
              "and where the formula divides (by N for a mean over the batch) and where it multiplies.",
    "axis": "Check which axis that reduction runs over (each example's row: axis 1; over the batch: axis 0; a "
            "parameter's gradient: every axis it was broadcast along) and whether it keeps its axes.",
    "transpose": "Let the shapes decide: for out = x @ w, dx = dout @ w.T and dw = x.T @ dout.",
    "sign": "Check the sign of that term against the derivative.",
    "operation": "Check that operation against the formula.",
    "compare": "Check that comparison: which side of it is strict decides the boundary case.",
    "constant": "Check that number against the formula and its derivative.",
    "variable": "Check which variable that step needs (the cache's order; the input or the normalised value; "
                "this step's value or the previous one's).",
    "size": "Check which size or index that step needs: rows go with the height (H, H_out, i), columns with the "
            "width (W, W_out, j); a test with a square input cannot tell them apart.",
    "parameter": "A number written where a parameter belongs fits only the inputs where the parameter has that value.",
    "dtype": "A small number type holds few values (np.int8: -128 to 127): a count or a sum past its range wraps "
             "around without an error. Keep NumPy's default int64 or float64.",
    "delete": "Every step of the forward needs its own step in the backward, in reverse order.",
}


@dataclass(frozen=True, eq=False)
class Change:
    """One changed version of a reference function: each (path, replacement) of `edits` puts the
    replacement at that path of the function's tree (None: the statement there deleted). Compiled
    when first tried."""
    function: str           # the reference function changed
    rank: int               # when it is tried: the commonest slips first (_RANKS)
    kind: str               # a value kind of grader.diagnosis.mistake_ids ("factor_off", ...)
    says: str               # what the change is, in the reference's terms
    step: str | None        # the variable the changed statement computes, if any
    source: str
    definition: ast.FunctionDef     # the reference's own, never changed in place
    edits: tuple

    @functools.cached_property
    def tree(self) -> ast.FunctionDef | None:
        """The changed function's tree; None when an edit cannot be made (the only statement of a block)."""
        changed = copy.deepcopy(self.definition)
        if not all(_apply(changed, list(path), replacement) for path, replacement in self.edits):
            return None
        return changed

    @functools.cached_property
    def code(self) -> CodeType | None:
        changed = self.tree
        if changed is None:
            return None
        module = ast.Module(body=[changed], type_ignores=[])
        ast.fix_missing_locations(module)
        try:
            return compile(module, self.source, "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            return None


def explain(case, oracle, what: str, results: tuple, position: int, expected: np.ndarray, *,
            backward: bool, again: Callable[[], tuple | None] | None = None,
            elsewhere: Callable[[], list[tuple]] | None = None):
    """(hint, mistake id) for a student's wrong result `what`, or None. `results` are everything the
    student's function returned on the case (a backward's gradients; a forward's outputs; a loss's
    loss and dx), `results[position]` the one diagnosed. The changed reference must give that one,
    and each of the others must be either what it gives or right (a student may compute dw apart
    from dx, where the reference shares a step between them; but a change in the step computing a
    right dbeta is never the diagnosis of dx).

    `again()` gives (another case, the student's results on it), asked for once a change explains
    this case: the change must explain that one too. On one case a wrong selection (a max-pool's
    routing of dout) or a swap of two variables can agree with the student's by chance; on two
    independent draws that is much rarer. Without `again` one case is the proof; if it gives None (the
    student's code failed on the other case), nothing is claimed.

    `elsewhere()` gives [(case, the student's results on it)] for the exercise's public main cases:
    the change must explain each of them too. A second draw has the failing case's configuration,
    where a change can agree by chance with a slip of another kind (on an edge case of N = 1, inv_std
    where N belongs); the student's results on the other configurations refute it."""
    student = np.asarray(results[position], dtype=np.float64)
    if student.shape != expected.shape or getattr(oracle, "public_only", True):
        return None
    exercise = case.exercise
    module = getattr(oracle, "modules", {}).get(exercise.assignment)
    source = getattr(module, "__file__", None)
    if source is None:
        return None
    if backward and not exercise.is_loss:
        functions = _reachable(source, exercise.backward, without=exercise.forward)
    else:
        functions = _reachable(source, exercise.forward)
    if not functions:
        return None
    version = Path(source).stat().st_mtime_ns
    every = [change for function in functions for change in changes(source, version, function)]
    every.sort(key=lambda change: change.rank)      # stable: the function tried first, then source order
    reference = _run(None, module, case, backward)
    if reference is None:
        return None
    second = others = None
    for change in every[:MAX_TRIED]:
        if _changes_another_result(source, change, functions[0], position):
            continue
        changed = _run(change, module, case, backward)
        if changed is None or len(changed) <= position:
            continue
        value = changed[position]
        if value.shape != student.shape or _trivial(value, expected, case):
            continue
        if not _explains(results, changed, reference, position):
            continue
        if again is not None:
            second = second if second is not None else (again() or ())
            if not second or not _explains_again(change, module, second, position, backward):
                continue
        if elsewhere is not None:
            others = others if others is not None else elsewhere()
            if not all(_explains_on(change, module, other, position, backward) for other in others):
                continue
        # a loss's dx is computed with the loss in one function: its change may be in a forward step
        return _hint(what, change, backward and not exercise.is_loss), value_mistake(what, change.kind)
    return None


def _explains_on(change: Change, module, other: tuple, position: int, backward: bool) -> bool:
    """The change gives the student's results on another case (right where theirs are right)."""
    case, results = other
    changed, reference = _run(change, module, case, backward), _run(None, module, case, backward)
    return changed is not None and reference is not None and len(changed) > position \
        and _explains(results, changed, reference, position)


def _explains(results: tuple, changed: tuple, reference: tuple, position: int) -> bool:
    """The changed reference gives the student's result at `position`, and each other result of the
    student's is either what it gives or right."""
    if len(changed) < len(results) or len(reference) < len(results):
        return False
    return all(same_values(_like(mine, theirs), theirs) if k == position
               else same_values(_like(mine, theirs), theirs) or same_values(_like(mine, right), right)
               for k, (mine, theirs, right) in enumerate(zip(results, changed, reference)))


def _explains_again(change: Change, module, second: tuple, position: int, backward: bool) -> bool:
    case, results = second
    changed, reference = _run(change, module, case, backward), _run(None, module, case, backward)
    if changed is None or reference is None or len(changed) <= position:
        return False
    value, right = changed[position], reference[position]
    return not same_values(value, right) and _explains(results, changed, reference, position)


def _changes_another_result(source: str, change: Change, top: str, position: int) -> bool:
    """The change is in the step that computes another result the function returns (dbeta, while
    dx is diagnosed): the student's would then be wrong too, and that result has its own check."""
    if change.function != top or change.step is None:
        return False
    returns = _returns(_functions(source)[top])
    returned = returns[-1] if returns else ()
    return change.step in returned and returned.index(change.step) != position


@functools.lru_cache(maxsize=256)
def _returns(definition: ast.FunctionDef) -> tuple[tuple[str | None, ...], ...]:
    """The names each return statement of the function gives, by position (None: not a name)."""
    found = []
    for node in ast.walk(definition):
        if isinstance(node, ast.Return) and node.value is not None:
            items = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
            found.append(tuple(item.id if isinstance(item, ast.Name) else None for item in items))
    return tuple(found)


def _like(mine, theirs: np.ndarray) -> np.ndarray:
    """The student's result as float64, in the reference's shape when only size-1 axes differ (a
    loss of shape (1,))."""
    mine = np.asarray(mine, dtype=np.float64)
    return mine.reshape(theirs.shape) if mine.size == theirs.size == 1 else mine


def _trivial(value: np.ndarray, expected: np.ndarray, case) -> bool:
    """A changed result that proves nothing: the right answer itself (the change made no difference
    here), all zeros or whole numbers, or dout unchanged (other diagnoses say those plainly)."""
    if np.all(np.isfinite(value)) and allclose(value, expected):
        return True
    if not np.any(value) or np.all(value == np.round(value)):
        return True     # whole numbers (a count, a mask, n): too easily equal to another count by chance
    return any(d.shape == value.shape and allclose(value, d) for d in case.douts)


def _hint(what: str, change: Change, backward: bool = True) -> str:
    """`backward`: `what` is a backward's gradient (the chain rule's paths are what a term of it stands for)."""
    rank = _RANKS[change.rank]
    named = rank in ("overwrite", "delete")       # their words name the step already
    where = f" in the step that computes {change.step}" if change.step and change.step != what and not named else ""
    advice = ADVICE["forward term" if rank == "term" and not backward else rank]
    return (f"{what} equals the right computation with one change{where}: {change.says}. Undo that change and "
            f"{what} is right on this case. {advice}")


def _run(change: Change | None, module, case, backward: bool) -> tuple[np.ndarray, ...] | None:
    """What the changed reference (None: the reference) returns on copies of the case's arrays and
    douts, called as the oracle calls the reference: a backward's gradients, a forward's outputs, a
    loss's (loss, dx); None if it raises."""
    if change is not None and change.code is None:
        return None
    exercise = case.exercise
    oracle = Oracle({exercise.assignment: _module_with(module, change) if change is not None else module})
    copies = dataclasses.replace(case, arrays={name: np.array(value, copy=True) for name, value in case.arrays.items()})
    douts = tuple(np.array(d, copy=True) for d in case.douts)     # none for a loss
    dout = douts if isinstance(case.dout, tuple) else (douts[0] if douts else None)
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return oracle.results(copies, backward, dout=dout)
    except Exception:       # the change broke the reference here (a shape, a name): no diagnosis
        return None


def _module_with(module, change: Change) -> types.ModuleType:
    """A copy of the reference module whose functions all see the changed one."""
    copy_ = types.ModuleType(module.__name__)
    copy_.__dict__.update(namespace_with(module, change.code))
    return copy_


def _functions(source: str) -> dict[str, ast.FunctionDef]:
    """The reference's top-level functions, parsed once per version of the file (a course's
    reference edited while a worker runs is read again, as the oracle reads it)."""
    return _functions_of(source, Path(source).stat().st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _functions_of(source: str, mtime_ns: int) -> dict[str, ast.FunctionDef]:
    tree = ast.parse(Path(source).read_text(), filename=source)
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def _reachable(source: str, start: str, without: str | None = None) -> list[str]:
    """`start` and the reference's functions it calls, directly or not, nearest first; less those
    `without` reaches (the forward's own helpers, which the student's right forward rules out)."""
    return reachable(_functions(source), start, without)


def reachable(functions: dict[str, ast.FunctionDef], start: str, without: str | None = None) -> list[str]:
    """`start` and the functions of `functions` (a module's, by name) it calls, directly or not,
    nearest first; less those `without` reaches."""
    def closure(name: str) -> list[str]:
        order, queue = [], [name]
        while queue:
            current = queue.pop(0)
            if current in order or current not in functions:
                continue
            order.append(current)
            queue += [n.func.id for n in ast.walk(functions[current])
                      if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]
        return order
    excluded = set(closure(without)) if without else set()
    return [name for name in closure(start) if name not in excluded]


@functools.lru_cache(maxsize=256)
def changes(source: str, mtime_ns: int, function: str) -> tuple[Change, ...]:
    """Every one-change version of `function` in the reference at `source` (the mtime keys the cache
    to the file's version), in the order they are tried: the commonest slips first."""
    return changes_in(_functions(source)[function], source)


def changes_in(definition: ast.FunctionDef, source: str, extra: Callable | None = None) -> tuple[Change, ...]:
    """Every one-change version of the function `definition` (of the file `source`), the commonest
    slips first; `extra(node, parents)` may give more edits of a node, in _node_edits' form."""
    function = definition.name
    found: list[Change] = []
    same_slip: dict[tuple, list[Change]] = {}
    for rank, path, replacement, kind, says in _edits(definition, extra):
        change = Change(function, rank, kind, says, _step(definition, path), source, definition,
                        ((tuple(path), replacement),))
        found.append(change)
        if replacement is not None:
            same_slip.setdefault((rank, kind, says), []).append(change)
    for (rank, kind, says), sites in same_slip.items():
        paths = [change.edits[0][0] for change in sites]
        if len(sites) < 2 or any(a != b and b[:len(a)] == a for a in paths for b in paths):
            continue        # one site only, or one inside another
        # The same slip everywhere it can be made (a window's start and end both without the
        # stride, in rows and columns): what a student who wrote the expression once, wrongly, has.
        steps = {change.step for change in sites}
        found.append(Change(function, rank, kind, f"{says}{EVERYWHERE_SAYS}",
                            steps.pop() if len(steps) == 1 else None, source, definition,
                            tuple(change.edits[0] for change in sites)))
    return tuple(sorted(found, key=lambda change: change.rank))    # stable: source order within a rank


# --- the edits ---------------------------------------------------------------------------------
# An edit is (rank, path, replacement, kind, says): `path` locates a node of the function's tree
# (a list of (field, index) steps), `replacement` is the new node (None: the statement is deleted).

# "size" (one size or loop counter for another), "parameter" (a parameter's name for a number written
# in its place) and "dtype" (a small number type widened) are made only in a student's code (code_fixes).
_RANKS = ["overwrite", "term", "factor", "axis", "transpose", "sign", "operation", "compare", "constant",
          "size", "parameter", "dtype", "variable", "delete"]
# Ranks a student's edit may make inside what is otherwise frozen (a new array's shape and dtype, a
# padding's widths).
_MADE_WHERE_FROZEN = ("size", "parameter", "dtype")


def _edits(definition: ast.FunctionDef, extra: Callable | None = None) -> Iterator[tuple]:
    local = _local_names(definition)
    for path, node, parents in _walk(definition):
        frozen = _frozen(parents + [node])
        for rank, replacement, kind, says in () if frozen else _node_edits(node, parents, local):
            yield _RANKS.index(rank), path, replacement, kind, says
        for rank, replacement, kind, says in (extra(node, parents) if extra else ()):
            # A size swapped for its counterpart (H_out for W_out) is made in a loop's range and a new
            # array's shape too, where such slips are: it cannot make a loop longer than the other size.
            if not frozen or rank in _MADE_WHERE_FROZEN:
                yield _RANKS.index(rank), path, replacement, kind, says


def _node_edits(node: ast.AST, parents: list[ast.AST], local: set[str]) -> Iterator[tuple]:
    if isinstance(node, ast.AugAssign) and type(node.op) in _AUGMENTED:
        target = _quote(node.target) or "the variable"
        symbol, kind = _AUGMENTED[type(node.op)]
        if kind == "term_off":
            yield ("overwrite", ast.Assign(targets=[_store(node.target)], value=node.value), "term_off",
                   f"{target} = ... overwrites where {target} {symbol}= ... adds to it")
        yield "delete", None, kind, f"the step {target} {symbol}= ... is left out"
    elif isinstance(node, ast.Assign) and len(node.targets) == 1 and not isinstance(node.targets[0], ast.Tuple):
        target = _quote(node.targets[0]) or "the variable"
        yield "delete", None, "term_off", f"the step that computes {target} is left out"
        yield ("sign", ast.Assign(targets=node.targets, value=ast.UnaryOp(ast.USub(), node.value)), "term_off",
               f"the sign of {target} is flipped")
    if isinstance(node, ast.BinOp):
        yield from _binop_edits(node)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        yield "sign", node.operand, "term_off", f"the minus sign of -{_quote(node.operand)} is left out"
    elif isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE_SWAPS:
        for other in _COMPARE_SWAPS[type(node.ops[0])]:
            yield ("compare", ast.Compare(node.left, [other()], node.comparators), "operation_off",
                   f"{_SYMBOL[other]} where {_SYMBOL[type(node.ops[0])]} belongs")
    elif isinstance(node, ast.Call):
        yield from _call_edits(node)
    elif isinstance(node, ast.Attribute) and node.attr == "T" and isinstance(node.ctx, ast.Load):
        yield "transpose", node.value, "transpose_off", f"{_quote(node.value)} where {_quote(node)} belongs"
    elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in local \
            and not _assigned_into(node, parents):
        if _matmul_operand(node, parents):
            yield ("transpose", ast.Attribute(node, "T", ast.Load()), "transpose_off",
                   f"{node.id}.T where {node.id} belongs")
        sizes = _size_names(parents[0]) if parents else set()
        outputs = {name for names in _returns(parents[0]) for name in names} if parents else set()
        for other in sorted(local - {node.id} - outputs):
            # Two sizes or parameters (stride, pad, N) are too often equal on a case; and a result
            # read while it is being built (dx for x) is no slip anyone makes.
            if node.id in sizes and other in sizes:
                continue
            yield "variable", ast.Name(other, ast.Load()), "variable_off", f"{other} used where {node.id} belongs"
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float) \
            and (abs(node.value) >= 1e-3 or _shape_index(parents)):
        for other in _other_numbers(node.value, parents):
            yield ("constant", ast.Constant(other), "constant_off",
                   f"{_number(other)} where {_number(node.value)} belongs")


def _binop_edits(node: ast.BinOp) -> Iterator[tuple]:
    left, right = _quote(node.left), _quote(node.right)
    op = node.op
    if isinstance(op, ast.Mult):
        yield "factor", node.left, "factor_off", _left_out("the factor", right, left)
        yield "factor", node.right, "factor_off", _left_out("the factor", left, right)
        yield "factor", ast.BinOp(node.left, ast.Div(), node.right), "factor_off", \
            f"divided by {right} where it multiplies" if right else "a factor divides where it multiplies"
    elif isinstance(op, ast.Div):
        yield "factor", node.left, "factor_off", _left_out("the division by", right, left)
        yield "factor", ast.BinOp(node.left, ast.Mult(), node.right), "factor_off", \
            f"multiplied by {right} where it divides" if right else "a factor multiplies where it divides"
    elif isinstance(op, ast.Add):
        yield "term", node.left, "term_off", _left_out("the term", right, left)
        yield "term", node.right, "term_off", _left_out("the term", left, right)
        yield "sign", ast.BinOp(node.left, ast.Sub(), node.right), "term_off", \
            f"- {right} where + {right} belongs" if right else "a term subtracted where it is added"
    elif isinstance(op, ast.Sub):
        yield "term", node.left, "term_off", _left_out("the term -", right, left)
        yield "term", ast.UnaryOp(ast.USub(), node.right), "term_off", _left_out("the term", left,
                                                                                  right and f"-{right}")
        yield "sign", ast.BinOp(node.left, ast.Add(), node.right), "term_off", \
            f"+ {right} where - {right} belongs" if right else "a term added where it is subtracted"
        yield "sign", ast.BinOp(node.right, ast.Sub(), node.left), "term_off", \
            f"{right} - {left} where {left} - {right} belongs" if left and right else "a difference reversed"
    elif isinstance(op, ast.Pow):
        yield "factor", node.left, "factor_off", f"the power ** {right} is left out" if right else \
            "a power is left out"
    elif isinstance(op, ast.MatMult):
        yield "transpose", ast.BinOp(node.right, ast.MatMult(), node.left), "transpose_off", \
            (f"{right} @ {left} where {left} @ {right} belongs" if left and right
             else "the matrix product's factors swapped")


def _call_edits(node: ast.Call) -> Iterator[tuple]:
    name = _called(node)
    if name in _UNWRAPPED and len(node.args) == 1 and not node.keywords:
        yield "operation", node.args[0], "operation_off", f"{_quote(node.func) or name}(...) is left out"
    if name in _SWAPS:
        yield ("operation", _renamed(node, _SWAPS[name]), "operation_off",
               f"{_SWAPS[name]} where {name} belongs")
    if name in ("dot", "matmul") and len(node.args) == (1 if _is_method(node) else 2):
        if not _is_method(node):
            swapped = ast.Call(node.func, node.args[::-1], node.keywords)
            yield "transpose", swapped, "transpose_off", "the matrix product's factors swapped"
    if name not in _REDUCTIONS or name in _SELECTIONS:
        return      # a max over another axis marks other elements: masks agree by chance too often
    keywords = {k.arg: k for k in node.keywords}
    axis = keywords.get("axis")
    positional = None if _is_method(node) else 1     # np.sum(x, 0): the axis is the second argument
    if axis is None and positional is not None and len(node.args) > positional:
        current = node.args[positional]
        for other in _other_axes(current):
            args = list(node.args)
            args[positional] = other
            yield "axis", ast.Call(node.func, args, node.keywords), "axis_off", \
                _axis_says(name, other, current)
    elif axis is not None:
        for other in _other_axes(axis.value):
            kws = [k if k is not axis else ast.keyword("axis", other) for k in node.keywords]
            yield "axis", ast.Call(node.func, node.args, kws), "axis_off", _axis_says(name, other, axis.value)
        kws = [k for k in node.keywords if k is not axis]
        yield "axis", ast.Call(node.func, node.args, kws), "axis_off", \
            f"{name} over every axis where {name} over axis {_quote(axis.value)} belongs"
    elif not (positional is not None and len(node.args) > positional):
        for other in (0, 1):
            yield ("axis", ast.Call(node.func, node.args, node.keywords + [ast.keyword("axis", ast.Constant(other))]),
                   "axis_off", f"{name} over axis {other} where {name} over every axis belongs")
    keepdims = keywords.get("keepdims")
    if keepdims is not None:
        kws = [k for k in node.keywords if k is not keepdims]
        yield "axis", ast.Call(node.func, node.args, kws), "axis_off", f"{name} without keepdims=True"
    else:
        kws = node.keywords + [ast.keyword("keepdims", ast.Constant(True))]
        yield "axis", ast.Call(node.func, node.args, kws), "axis_off", f"{name} with keepdims=True where it needs none"


def _axis_says(name: str, other: ast.AST, current: ast.AST) -> str:
    return f"{name} over axis {_quote(other)} where {name} over axis {_quote(current)} belongs"


def _shape_index(parents: list[ast.AST]) -> bool:
    """The node is the index of a shape: x.shape[0]."""
    parent = parents[-1] if parents else None
    return (isinstance(parent, ast.Subscript) and isinstance(parent.value, ast.Attribute)
            and parent.value.attr == "shape")


def _other_axes(current: ast.AST) -> Iterator[ast.AST]:
    """Axes a slip gives for `current`: another single axis, or a tuple with one axis left out."""
    if isinstance(current, ast.Constant) and isinstance(current.value, int):
        for other in (0, 1, 2, 3, -1):
            if other != current.value:
                yield ast.Constant(other)
    elif isinstance(current, ast.Tuple) and all(isinstance(e, ast.Constant) for e in current.elts):
        values = [e.value for e in current.elts]
        for left_out in range(len(values)):
            kept = values[:left_out] + values[left_out + 1:]
            yield ast.Constant(kept[0]) if len(kept) == 1 else ast.Tuple([ast.Constant(v) for v in kept], ast.Load())


def _other_numbers(value, parents: list[ast.AST]) -> list:
    """Constants a slip gives for `value`: a shape's other index (x.shape[1] for x.shape[0]),
    else double, half, one more, one less."""
    parent = parents[-1] if parents else None
    if _shape_index(parents) and isinstance(value, int):
        return [k for k in (0, 1, 2, 3, -1) if k != value]
    if any(isinstance(p, ast.Subscript) for p in parents):
        return []       # a number in an index (i + 1 in dout[:, :, i:i + 1]) shifts a selection: masks agree by chance
    options = [value * 2, value / 2] if isinstance(value, float) else [value * 2, value + 1, value - 1]
    if value == 1:
        options = [2, 0.5]
    return [o for o in dict.fromkeys(options) if o != value and o != 0]


# --- tree plumbing -------------------------------------------------------------------------------

def _walk(definition: ast.FunctionDef):
    """(path, node, parents) for every node below the definition, in source order."""
    def visit(node, path, parents):
        for field, value in ast.iter_fields(node):
            items = value if isinstance(value, list) else [value]
            for index, child in enumerate(items):
                if not isinstance(child, ast.AST):
                    continue
                child_path = path + [(field, index if isinstance(value, list) else None)]
                yield child_path, child, parents + [node]
                yield from visit(child, child_path, parents + [node])
    for field in ("body",):
        for index, statement in enumerate(definition.body):
            path = [(field, index)]
            yield path, statement, [definition]
            yield from visit(statement, path, [definition])


def _frozen(parents: list[ast.AST]) -> bool:
    """Inside what must not change: a loop's range (a bound changed could run very long), a while
    test, a raise, the arguments' defaults, an axis (the reduction's own edits change it)."""
    for parent, child in zip(parents, parents[1:] + [None]):
        if isinstance(parent, (ast.While, ast.Raise, ast.Assert, ast.arguments)):
            return True
        if isinstance(parent, ast.keyword) and parent.arg in ("axis", "axes", "keepdims"):
            return True
        if isinstance(parent, ast.Call) and _called(parent) in ("range", "arange", "zeros", "empty", "ones",
                                                                 "zeros_like", "empty_like", "ones_like", "pad"):
            return True
        if isinstance(parent, ast.For) and child is parent.iter and not _reversed_call(parent.iter):
            return True
    return False


def _reversed_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and _called(node) == "reversed"


def _apply(tree: ast.AST, path: list, replacement: ast.AST | None) -> bool:
    node = tree
    for field, index in path[:-1]:
        value = getattr(node, field)
        node = value[index] if index is not None else value
    field, index = path[-1]
    if replacement is None:
        body = getattr(node, field)
        if not isinstance(body, list) or len(body) < 2:
            return False        # deleting the only statement of a block leaves no block
        del body[index]
        return True
    replacement = copy.deepcopy(replacement)
    if index is None:
        setattr(node, field, replacement)
    else:
        getattr(node, field)[index] = replacement
    return True


def _step(definition: ast.FunctionDef, path: list) -> str | None:
    """The variable the statement holding `path` computes."""
    node: ast.AST = definition
    statement = None
    for field, index in path:
        value = getattr(node, field)
        node = value[index] if index is not None else value
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            statement = node
    if statement is None:
        return None
    target = statement.targets[0] if isinstance(statement, ast.Assign) else statement.target
    while isinstance(target, (ast.Subscript, ast.Attribute)):
        target = target.value
    return target.id if isinstance(target, ast.Name) else None


def _local_names(definition: ast.FunctionDef) -> set[str]:
    """The function's parameters and the names it assigns: what one variable can be swapped for."""
    names = {a.arg for a in definition.args.args}
    for node in ast.walk(definition):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    names.discard("_")      # a placeholder, never a value one could mean
    return names


@functools.lru_cache(maxsize=256)
def _size_names(definition: ast.FunctionDef) -> frozenset[str]:
    """Names holding a size or a parameter rather than an array: loop counters, and names assigned
    from a shape, a len(), a number or a parameter dict's key (stride = conv_param["stride"])."""
    names = set()
    for node in ast.walk(definition):
        if isinstance(node, ast.For):
            names |= {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
        if isinstance(node, ast.Assign) and _size_like(node.value):
            names |= {n.id for target in node.targets for n in ast.walk(target) if isinstance(n, ast.Name)}
        if isinstance(node, ast.Call):                  # x.reshape(N, G, -1), range(T), np.zeros((N, D))
            names |= {n.id for arg in _size_arguments(node) for n in ast.walk(arg) if isinstance(n, ast.Name)}
    return frozenset(names)


def _size_arguments(call: ast.Call) -> list[ast.AST]:
    """The arguments of `call` that are sizes: a reshape's shape, a range's bounds, a new array's shape."""
    name = _called(call)
    if name == "reshape":
        return call.args if _is_method(call) else call.args[1:]
    if name in ("range", "arange"):
        return call.args
    if name in ("zeros", "empty", "ones", "full"):
        return call.args[:1]
    return []


def _size_like(value: ast.AST) -> bool:
    if isinstance(value, ast.Tuple):
        return all(_size_like(e) for e in value.elts)
    if isinstance(value, ast.Constant):
        return True
    if isinstance(value, ast.Attribute) and value.attr == "shape":
        return True
    if isinstance(value, ast.Subscript):
        index = value.slice
        return _size_like(value.value) or isinstance(index, ast.Constant) and isinstance(index.value, str)
    if isinstance(value, ast.Call):
        return _called(value) in ("len", "int", "get")
    return False


def _assigned_into(node: ast.Name, parents: list[ast.AST]) -> bool:
    """The name is the array a statement writes into (dx in dx[mask] = ...): swapping it for another
    is not a slip of the formula."""
    parent = parents[-1] if parents else None
    return isinstance(parent, (ast.Subscript, ast.Attribute)) and isinstance(parent.ctx, ast.Store) \
        and parent.value is node


def _matmul_operand(node: ast.Name, parents: list[ast.AST]) -> bool:
    parent = parents[-1] if parents else None
    if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.MatMult):
        return True
    return isinstance(parent, ast.Call) and _called(parent) in ("dot", "matmul", "tensordot")


def _called(node: ast.Call) -> str | None:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _is_method(node: ast.Call) -> bool:
    """x.sum(...) rather than np.sum(x, ...)."""
    func = node.func
    module = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("np", "numpy")
    return isinstance(func, ast.Attribute) and not module


def _renamed(node: ast.Call, name: str) -> ast.Call:
    func = node.func
    new = ast.Name(name, ast.Load()) if isinstance(func, ast.Name) else ast.Attribute(func.value, name, ast.Load())
    return ast.Call(new, node.args, node.keywords)


def _store(target: ast.AST) -> ast.AST:
    target = copy.deepcopy(target)
    target.ctx = ast.Store()
    return target


def _quote(node: ast.AST) -> str | None:
    """The node's source, if short enough to quote."""
    text = ast.unparse(node)
    return text if len(text) <= MAX_QUOTED else None


def _left_out(what: str, quoted: str | None, kept: str | None = None) -> str:
    """"the factor gamma is left out"; for a part too long to quote, what is kept instead."""
    if quoted:
        return f"{what} {quoted} is left out"
    noun = what.removesuffix(" -").split(" by")[0]
    return f"only {kept} is kept: {noun} beside it is left out" if kept else f"{noun} is left out"


def _number(value) -> str:
    return repr(value)
