"""Fixes of the student's own code: one change to their function that makes its wrong result right.

one_change explains a wrong result as the reference with one change; that needs the student's code
to be shaped like the reference, and says the change in the reference's terms. Students write a
layer in many shapes (nine small steps or one formula, loops over windows or over input positions),
so here the change is made to the student's own function instead: their source is parsed (never run
here), changed in one place at a time with one_change's edits (a factor or a term left out, another
axis, a transpose, one variable for another, `=` for `+=` ...), and each changed version is run in
the sandbox on the failing case (grader.checks.code_fixes). A change that makes the result right, on that
case and on a second draw, is a fix proven on their code; the hint quotes their line and the change.
Nothing here runs code: this module makes the changed sources and words the hint.
"""
from __future__ import annotations

import ast
import copy
import functools
from dataclasses import dataclass

from . import one_change
from .mistake_ids import value_mistake

# The changed versions tried per diagnosis, the commonest slips first: each is a run of the
# student's code in the sandbox (their forward, then the changed function), so fewer than
# one_change's reference edits, which run in the grading process.
MAX_TRIED = 100
# Of those, at most this many in the statements that compute the wrong result itself (tried first): a
# long formula has dozens of one-variable swaps, and the slip may be a step before it (a root without eps).
IN_STEP = 60

# What an eps added inside a square root is told (_student_edits).
_EPS_SAYS = " inside the root"
EPS_ADVICE = ("eps keeps the square root away from zero: every step, forward and backward, uses the same "
              "sqrt(var + eps).")

# A fragment of the student's code longer than this is shortened around the change.
MAX_SHOWN = 60


@dataclass(frozen=True)
class Fix:
    """One changed version of a student's function."""
    function: str           # the student's function changed
    kind: str               # a value kind of grader.diagnosis.mistake_ids ("axis_off", ...)
    advice: str             # what to check, by the kind of change (one_change.ADVICE)
    line: str               # the student's line where the change is, as they wrote it
    before: str             # the changed part, as they wrote it
    after: str | None       # what it becomes; None: the statement is left out
    everywhere: bool        # the same change at every place it can be made
    source: str             # the changed function's source, for the worker to run instead of theirs

    def mistake(self, what: str) -> str:
        return value_mistake(what, self.kind)

    def hint(self, what: str) -> str:
        """The hint for a wrong `what` that this fix makes right."""
        if self.after is None:
            change = f"without the line `{self.line}` in {self.function}"
        else:
            where = "everywhere it appears in" if self.everywhere else "in the line"
            place = f"{self.function}" if self.everywhere else f"`{self.line}` of {self.function}"
            change = f"with `{self.before}` changed to `{self.after}` {where} {place}"
        return (f"Your code gives the right {what} {change}: tried on this case and on a second draw, it is "
                f"right on both. {self.advice}")


def functions_to_change(source: str, start: str, without: str | None = None) -> list[str]:
    """`start` and the student's functions it calls, nearest first, less those `without` calls (a
    backward's diagnosis never changes what the forward also runs: the forward was right)."""
    functions = _parsed(source)
    return one_change.reachable(functions, start, without) if functions else []


def fixes(source: str, functions: list[str], file_name: str, position: int | None = None) -> list[Fix]:
    """The changed versions of the student's `functions` to try, at most MAX_TRIED: first up to
    IN_STEP in the statements that compute the wrong result (the name the first function returns at
    `position`: dgamma in `return dx, dgamma, dbeta`), then the rest; the commonest slips first."""
    parsed = _parsed(source)
    lines = source.splitlines()
    diagnosed = _returned_name(parsed.get(functions[0]) if functions else None, position)
    in_step, elsewhere = [], []
    for name in functions:
        definition = parsed.get(name)
        if definition is None:
            continue
        for change in one_change.changes_in(definition, file_name, extra=_student_edits):
            in_its_step = name == functions[0] and diagnosed is not None and change.step == diagnosed
            (in_step if in_its_step else elsewhere).append((change, definition))
    # stable sorts: the nearest function first, then source order, within a rank
    in_step.sort(key=lambda item: item[0].rank)
    elsewhere.sort(key=lambda item: item[0].rank)
    found = []
    for change, definition in in_step[:IN_STEP] + elsewhere:   # a changed source is made only for those tried
        fix = _fix(change, definition, lines)
        if fix is not None:
            found.append(fix)
        if len(found) == MAX_TRIED:
            break
    return found


def _returned_name(definition: ast.FunctionDef | None, position: int | None) -> str | None:
    """The name a function's last return statement gives at `position`, if it is a plain name."""
    if definition is None or position is None:
        return None
    returns = one_change._returns(definition)
    names = returns[-1] if returns else ()
    return names[position] if position < len(names) else None


@functools.lru_cache(maxsize=16)
def _parsed(source: str) -> dict[str, ast.FunctionDef]:
    """The top-level functions of the student's file, parsed (a file that does not parse has none)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def _student_edits(node: ast.AST, parents: list[ast.AST]):
    """Edits one_change never needs on a reference, which is right: what a student's code may lack.
    `=` where `+=` belongs (a loop writing `dx[...] = ...` at overlapping windows keeps only the last
    one), and eps left out of a square root (the function has an eps, and the root does not use it)."""
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript) \
            and any(isinstance(parent, ast.For) for parent in parents):
        target = node.targets[0]
        yield "overwrite", ast.AugAssign(target=target, op=ast.Add(), value=node.value), "term_off", \
            f"{ast.unparse(target)} += ..."
    if isinstance(node, ast.Call) and one_change._called(node) == "sqrt" and len(node.args) == 1 and parents:
        eps = _eps_name(parents[0])
        if eps is not None and not any(isinstance(n, ast.Name) and n.id == eps for n in ast.walk(node.args[0])):
            argument = ast.BinOp(node.args[0], ast.Add(), ast.Name(eps, ast.Load()))
            yield "term", ast.Call(node.func, [argument], node.keywords), "term_off", f"+ {eps}{_EPS_SAYS}"


def _eps_name(definition: ast.AST) -> str | None:
    """The function's name for epsilon, if it has one (a parameter or a variable it assigns)."""
    if not isinstance(definition, ast.FunctionDef):
        return None
    names = one_change._local_names(definition)
    return next((name for name in sorted(names) if name.lower() in ("eps", "epsilon")), None)


def _fix(change: one_change.Change, definition: ast.FunctionDef, lines: list[str]) -> Fix | None:
    tree = change.tree
    if tree is None:
        return None
    path, replacement = change.edits[0]
    node = _node_at(definition, list(path))
    line_number = getattr(node, "lineno", None)
    if line_number is None or not 0 < line_number <= len(lines):
        return None
    if replacement is None:
        before, after = _text(node), None
    else:
        before, after = _shortened(_text(node), _text(replacement))
    rank = one_change._RANKS[change.rank]
    advice = EPS_ADVICE if change.says.endswith(_EPS_SAYS) else one_change.ADVICE[rank]
    return Fix(change.function, change.kind, advice, lines[line_number - 1].strip(), before, after,
               len(change.edits) > 1, ast.unparse(ast.fix_missing_locations(tree)))


def _text(node: ast.AST) -> str:
    """The node's source; a new node gets the locations unparse needs (on a copy: it may be shared)."""
    return ast.unparse(node if hasattr(node, "lineno") else ast.fix_missing_locations(copy.deepcopy(node)))


def _node_at(definition: ast.FunctionDef, path: list) -> ast.AST:
    node: ast.AST = definition
    for field, index in path:
        value = getattr(node, field)
        node = value[index] if index is not None else value
    return node


def _shortened(before: str, after: str) -> tuple[str, str]:
    """The two fragments, cut to the part that differs (with the words around it) when they are long."""
    if max(len(before), len(after)) <= MAX_SHOWN:
        return before, after
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end = 0
    while end < min(len(before), len(after)) - start and before[-1 - end] == after[-1 - end]:
        end += 1
    # keep one word of context on each side, cut where a space is
    start = before.rfind(" ", 0, max(0, before.rfind(" ", 0, start)))
    start = max(start, 0)
    tail = len(before) - end
    stop = before.find(" ", before.find(" ", tail) + 1)
    end = 0 if stop < 0 else len(before) - stop

    def cut(text: str) -> str:
        return ("..." if start else "") + text[start:len(text) - end].strip() + ("..." if end else "")
    return cut(before), cut(after)
