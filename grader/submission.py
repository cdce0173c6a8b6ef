"""Reading a submission: its source, and which functions it defines — without running it."""
from __future__ import annotations

import ast
from importlib.util import decode_source
from dataclasses import dataclass
from pathlib import Path

from . import python2


class SubmissionError(Exception):
    """A submission that cannot be graded at all; the message says what to do."""


@dataclass(frozen=True)
class Submission:
    """A gradable Python file: the worker imports `path`; `notes` tell the student what loading
    did (cells dropped, which file of an archive was graded)."""
    path: Path
    source: bytes
    defined: frozenset[str]
    notes: tuple[str, ...] = ()
    # For a converted notebook: (cell, line in cell) of each line of `path`, to point tracebacks
    # at the cell the student wrote rather than the module the grader made.
    origins: tuple = ()


def read_submission(path: str | Path) -> Submission:
    path = Path(path)
    if not path.exists():
        raise SubmissionError(f"{path}: no such file. Give the path to your .py file.")
    if path.is_dir():
        raise SubmissionError(f"{path} is a folder. Give the path to your .py file.")
    if path.suffix != ".py":
        raise SubmissionError(f"{path}: expected a Python file (.py).")
    return python_submission(path, path.read_bytes(), path.name)


def python_submission(path: Path, source: bytes, display_name: str, notes: tuple[str, ...] = ()) -> Submission:
    """Check that `source` (stored at `path`) compiles; SubmissionError naming the line if not."""
    text = _text(source)
    try:
        tree = ast.parse(text, filename=display_name)
        compile(tree, display_name, "exec")   # errors only the compiler sees: return outside a function, ...
    except SyntaxError as error:
        if python2.changes(text):
            raise SubmissionError(python2.message(display_name, python2.changes(text), compiles=False)) from None
        if error.lineno is None:   # not about a line: null bytes, a bad encoding declaration
            raise SubmissionError(f"{display_name} is not a readable Python file ({error.msg}). "
                                  "Save it again as plain UTF-8 text.") from None
        line = (error.text or "").rstrip()
        pointer = f"\n    {line}\n    {caret_under(line, error.offset)}" if line else ""
        raise SubmissionError(f"{display_name}, line {error.lineno}: syntax error: {error.msg}{pointer}\n"
                              "Fix this line, then run the check again.") from None
    except ValueError as error:  # e.g. null bytes
        raise SubmissionError(f"{display_name} is not a readable Python file ({error}).") from None
    # Python 2 that compiles (xrange loops) fails each function that uses it with a NameError: it
    # is graded (the other functions earn their points), and the report opens with what to change.
    found = python2.changes(text, tree)
    if found:
        notes = (*notes, python2.message(display_name, found, compiles=True))
    return Submission(path, source, frozenset(defined_names(tree)), notes)


def _text(source: bytes) -> str | bytes:
    """The source as text (its coding declaration honoured), so that a syntax error's offset counts
    characters: parsed from bytes, Python counts bytes, and the caret lands right of an 'é'."""
    try:
        return decode_source(source)
    except (UnicodeDecodeError, SyntaxError, LookupError):
        return source      # the parser then says what is wrong with it


def caret_under(line: str, offset: int | None) -> str:
    """A caret under the 1-based character `offset` of `line`: the tabs before it are kept as tabs,
    so the caret sits in the right column however wide a terminal or a page draws a tab."""
    before = line[:max((offset or 1) - 1, 0)]
    return "".join("\t" if c == "\t" else " " for c in before) + "^"


def defined_names(tree: ast.Module) -> set[str]:
    """Names bound at module level: defs, assignments and imports."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for target in targets for t in ast.walk(target) if isinstance(t, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names
