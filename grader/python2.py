"""Python 2 source, recognised: what each line must become for the grader's Python 3.

CS231n's solutions before 2017 were Python 2 (`print x`, `xrange`, `except E, e:`). Graded as
Python 3 such a file is a syntax error at its first print, or, when it compiles, a NameError in
every check of every function that loops with xrange. The student's fix is a handful of mechanical
edits, so the loader lists them all, line by line, instead. Read from the tokens, never run.
"""
from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass

# Python 2 built-ins that Python 3 does not have, and what replaces each.
BUILTINS = {
    "xrange": "range", "raw_input": "input", "unicode": "str", "basestring": "str", "unichr": "chr",
    "long": "int", "execfile": "exec(open(path).read())", "reduce": "functools.reduce (import functools)",
    "cmp": "(a > b) - (a < b)",
}
# Python 2 dict methods.
METHODS = {"iteritems": "items", "itervalues": "values", "iterkeys": "keys", "has_key": "`key in d`"}
MAX_SHOWN = 20


@dataclass(frozen=True)
class Change:
    line: int
    found: str       # what the line has, as Python 2 writes it
    fix: str         # what Python 3 wants instead


def changes(text: str | bytes, tree: ast.Module | None = None) -> list[Change]:
    """The Python 2 constructs in `text`, one Change per construct and line. With the module's
    `tree` (the file compiles), a Python 2 built-in counts only where the file does not define
    that name itself."""
    if not isinstance(text, str):
        return []
    lines = _logical_lines(text)
    bound = _bound_names(tree) if tree is not None else _bound_by_tokens(lines)
    found: list[Change] = []
    for tokens in lines:
        found += _statement_changes(tokens) + _token_changes(tokens, bound)
    unique = {(c.line, c.found): c for c in found}
    return sorted(unique.values(), key=lambda c: c.line)


def message(name: str, found: list[Change], compiles: bool, place=lambda line: f"line {line}") -> str:
    """What the student reads: which lines to change, and into what; `place` names a line (a
    notebook's by cell)."""
    head = (f"{name} uses Python 2 names that the grader's Python 3 does not have: the functions that use "
            "them fail with a NameError until you change them" if compiles else
            f"{name} is Python 2 source (CS231n's solutions before 2017 were); the grader runs Python 3")
    shown = [f"  {place(c.line)}: {c.found}  ->  {c.fix}" for c in found[:MAX_SHOWN]]
    if len(found) > MAX_SHOWN:
        shown.append(f"  ... and {len(found) - MAX_SHOWN} more of the same kinds")
    return (f"{head}. Change these lines, then submit again:\n" + "\n".join(shown) +
            "\nPython 3 also divides integers with / into floats: write // where you meant a whole number.")


def _logical_lines(text: str) -> list[list[tokenize.TokenInfo]]:
    """The tokens of each logical line (comments and layout left out); as far as the tokenizer gets."""
    lines, current = [], []
    skipped = {tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.NEWLINE:
                lines.append(current)
                current = []
            elif token.type not in skipped:
                current.append(token)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    if current:
        lines.append(current)
    return [line for line in lines if line]


def _statement_changes(tokens: list[tokenize.TokenInfo]) -> list[Change]:
    first, line = tokens[0].string, tokens[0].start[0]
    after = tokens[1] if len(tokens) > 1 else None
    takes_operand = after is not None and (after.type in (tokenize.NAME, tokenize.STRING, tokenize.NUMBER)
                                           or after.string == ">>")
    if first == "print" and takes_operand:
        if after.string == ">>":
            return [Change(line, "print >>f, x", "print(x, file=f)")]
        return [Change(line, "print x", "print(x)")]
    if first == "exec" and takes_operand:
        return [Change(line, "exec code", "exec(code)")]
    if first == "except" and _comma_at_top(tokens[1:], stop=":"):
        return [Change(line, "except E, e:", "except E as e:")]
    if first == "raise" and _comma_at_top(tokens[1:]):
        return [Change(line, "raise E, message", "raise E(message)")]
    return []


def _comma_at_top(tokens: list[tokenize.TokenInfo], stop: str | None = None) -> bool:
    depth = 0
    for token in tokens:
        if token.string in ("(", "[", "{"):
            depth += 1
        elif token.string in (")", "]", "}"):
            depth -= 1
        elif depth == 0 and token.string == stop:
            return False
        elif depth == 0 and token.string == ",":
            return True
    return False


def _token_changes(tokens: list[tokenize.TokenInfo], bound: set[str]) -> list[Change]:
    found = []
    for before, token, after in zip([None] + tokens[:-1], tokens, tokens[1:] + [None]):
        line = token.start[0]
        touching = after is not None and after.start == token.end
        if token.type == tokenize.ERRORTOKEN and token.string == "`":
            found.append(Change(line, "`x` (backticks)", "repr(x)"))
        elif token.string == "<" and after is not None and after.string == ">" and touching:
            found.append(Change(line, "a <> b", "a != b"))
        elif token.type == tokenize.NUMBER and touching and after.type == tokenize.NUMBER and token.string == "0":
            found.append(Change(line, f"0{after.string} (an octal literal)", f"0o{after.string}"))
        elif token.type == tokenize.NUMBER and touching and after.string in ("L", "l"):
            found.append(Change(line, f"{token.string}{after.string}", token.string))
        elif token.type == tokenize.NAME and token.string.lower() == "ur" and touching and after.type == tokenize.STRING:
            found.append(Change(line, "ur'...'", "r'...'"))
        elif token.type == tokenize.NAME and after is not None and after.string == "(":
            attribute = before is not None and before.string == "."
            if attribute and token.string in METHODS:
                found.append(Change(line, f".{token.string}()", f".{METHODS[token.string]}()"
                                    if token.string != "has_key" else METHODS["has_key"]))
            elif not attribute and token.string in BUILTINS and token.string not in bound \
                    and (before is None or before.string not in ("def", "class")):
                found.append(Change(line, token.string, BUILTINS[token.string]))
    return found


def _bound_names(tree: ast.Module) -> set[str]:
    """Every name the module binds anywhere: assignments, definitions, parameters, imports."""
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return bound


def _bound_by_tokens(lines: list[list[tokenize.TokenInfo]]) -> set[str]:
    """For a file that does not parse: names after def, class, import or as, or assigned first thing
    on a line (`xrange = range`)."""
    bound = set()
    for tokens in lines:
        if len(tokens) > 1 and tokens[0].type == tokenize.NAME and tokens[1].string == "=":
            bound.add(tokens[0].string)
        if tokens[0].string in ("import", "from"):
            bound.update(t.string for t in tokens if t.type == tokenize.NAME)
        for before, token in zip(tokens, tokens[1:]):
            if before.string in ("def", "class", "import", "as") and token.type == tokenize.NAME:
                bound.add(token.string)
    return bound
