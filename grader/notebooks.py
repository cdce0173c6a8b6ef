"""Notebook submissions: the code cells of a .ipynb become one Python module to grade.

Only what defines things is kept: imports (each made optional, so a plotting library that the
grader lacks does not sink the submission), functions, classes and constant assignments. A
notebook's experiments — cells that call the functions, print, plot, time — are not run while
grading, and IPython magics and `!shell` lines are dropped, never executed. The student is told
what was left out.
"""
from __future__ import annotations

import ast
import builtins
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import python2
from .submission import SubmissionError

# A line that is IPython syntax, not Python: `%magic`, `!shell`, `x = !shell`, `x = %magic`.
_IPYTHON_LINE = re.compile(r"^\s*([%!]|\w+\s*=\s*[%!])")
_KEPT = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass
class Conversion:
    source: str
    notes: list[str] = field(default_factory=list)
    # (cell, line in cell) of each line of `source`, None for lines the grader added
    origins: list[tuple[int, int] | None] = field(default_factory=list)

    def locate(self, line: int) -> tuple[int, int] | None:
        """Where line `line` (1-based) of the converted module came from in the notebook."""
        return self.origins[line - 1] if 0 < line <= len(self.origins) else None


def read_cells(path: Path) -> list[tuple[int, str]]:
    """(position, source) of the notebook's code cells, counting every cell from 1 as Jupyter
    shows them; SubmissionError if it is not a notebook."""
    cells = _plain_v4_cells(path.read_bytes())
    if cells is None:
        cells = _cells_through_nbformat(path)
    return [(number, source) for number, (cell_type, source) in enumerate(cells, start=1)
            if cell_type == "code"]


def _cells_through_nbformat(path: Path) -> list[tuple[str, str]]:
    """(type, source) of every cell, read by nbformat: any version, and every way a file can fail
    to be a notebook (each error is the student's message)."""
    import nbformat  # imported only here: it and its jsonschema take longer to import than numpy
    try:
        notebook = nbformat.read(str(path), as_version=4)
        for cell in notebook.cells:   # nbformat lets these through (its validation only logs)
            if "cell_type" not in cell:
                raise ValueError("a cell has no cell_type")
            if cell.cell_type == "code" and "source" not in cell:
                raise ValueError("a code cell has no source")
    except Exception as error:  # nbformat raises JSON, validation and version errors of many types
        reason = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        raise SubmissionError(f"{path.name} is not a valid Jupyter notebook ({reason}). Open it in Jupyter "
                              "and save it again, or submit your code as a .py file.") from None
    return [(cell.cell_type, cell.get("source", "")) for cell in notebook.cells]


# The fast path: what Jupyter saves (nbformat 4.0-4.5) read with json alone. It takes a file only
# where every part nbformat's reader touches has the shape the format gives it, so that nbformat
# would read the same cells without an error or a warning; anything else goes to nbformat. Its
# schema validation is not repeated: nbformat ignores a failed one (it only logs, silently).
_CELL_ID = re.compile(r"[a-zA-Z0-9_-]{1,64}")
_OUTPUT_TYPES = {"execute_result", "display_data", "stream", "error"}


def _plain_v4_cells(raw: bytes) -> list[tuple[str, str]] | None:
    """(type, source) of every cell of a well-formed v4 notebook; None for anything else."""
    try:
        notebook = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):   # not UTF-8, not JSON: nbformat says which
        return None
    if not (isinstance(notebook, dict) and _is_int(notebook.get("nbformat")) and notebook["nbformat"] == 4
            and _is_int(notebook.get("nbformat_minor")) and 0 <= notebook["nbformat_minor"] <= 5
            and isinstance(notebook.get("metadata"), dict) and isinstance(notebook.get("cells"), list)):
        return None
    with_ids = notebook["nbformat_minor"] >= 5
    ids: set[str] = set()
    cells = []
    for cell in notebook["cells"]:
        if not (isinstance(cell, dict) and isinstance(cell.get("cell_type"), str)
                and isinstance(cell.get("metadata"), dict) and _is_text(cell.get("source"))
                and _plain_attachments(cell.get("attachments", {}))
                and (cell["cell_type"] != "code" or _plain_outputs(cell.get("outputs", [])))):
            return None
        if with_ids:   # nbformat warns of a missing or repeated id (and makes one up)
            if not (isinstance(cell.get("id"), str) and _CELL_ID.fullmatch(cell["id"])) or cell["id"] in ids:
                return None
            ids.add(cell["id"])
        source = cell["source"]
        cells.append((cell["cell_type"], source if isinstance(source, str) else "".join(source)))
    return cells


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_text(value) -> bool:
    """A string, or the list of lines nbformat joins into one."""
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(line, str) for line in value))


def _plain_attachments(attachments) -> bool:
    return isinstance(attachments, dict) and all(isinstance(bundle, dict) for bundle in attachments.values())


def _plain_outputs(outputs) -> bool:
    return isinstance(outputs, list) and all(
        isinstance(output, dict) and isinstance(output.get("output_type"), str)
        and output["output_type"] in _OUTPUT_TYPES
        and isinstance(output.get("data", {}), dict) and _is_text(output.get("text", ""))
        for output in outputs)


def convert(path: Path) -> Conversion:
    """The gradable module of a notebook, with notes on what was dropped."""
    cells = read_cells(path)
    if not any(source.strip() for _, source in cells):
        raise SubmissionError(f"{path.name} has no code: write your functions in code cells, save the "
                              "notebook, and submit it again.")
    return convert_cells([source for _, source in cells], path.name, [number for number, _ in cells])


def convert_cells(cells: list[str], name: str, numbers: list[int] | None = None) -> Conversion:
    """Convert code cells; `numbers` are the cells' positions as the student sees them (1, 2, ...
    when not given)."""
    notes: list[str] = []
    lines: list[str] = []
    origins: list[tuple[int, int]] = []   # (cell, line in cell) of each line
    dropped_ipython = 0
    for number, cell in zip(numbers or range(1, len(cells) + 1), cells):
        if cell.lstrip().startswith("%%"):
            notes.append(f"cell {number} starts with a cell magic ({cell.split()[0]}): not run while grading.")
            continue
        for line_number, line in enumerate(cell.splitlines(), start=1):
            if _IPYTHON_LINE.match(line):
                indent = line[: len(line) - len(line.lstrip())]
                line = f"{indent}pass  # IPython line dropped by the grader"
                dropped_ipython += 1
            lines.append(line)
            origins.append((number, line_number))
        lines.append("")
        origins.append((number, len(cell.splitlines()) + 1))
    if dropped_ipython:
        notes.append(f"{dropped_ipython} IPython line(s) (%magic, !shell) dropped, not run.")
    text = "\n".join(lines)
    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        _refuse_python2(text, None, name, origins)
        cell = origins[min(max((error.lineno or 1) - 1, 0), len(origins) - 1)][0] if origins else 1
        raise SubmissionError(f"{name}, cell {cell}: syntax error: {error.msg}\n    {(error.text or '').rstrip()}\n"
                              "Fix that cell, save the notebook, and submit it again.") from None
    dropped: list[str] = []
    source, kept_origins = _definitions(tree, lines, origins, dropped)
    # Python 2 names only where they run: a cell that is not run (`cmp(...)` in an experiment) costs nothing.
    notes += _python2_notes(source, ast.parse(source), name, kept_origins) + dropped
    return Conversion(source, notes, kept_origins)


def _refuse_python2(text: str, tree: ast.Module | None, name: str, origins: list[tuple[int, int]]) -> None:
    """A notebook that does not compile because it is Python 2: SubmissionError listing what to
    change, by cell as Jupyter numbers them."""
    notes = _python2_notes(text, tree, name, origins)
    if notes:
        raise SubmissionError(notes[0])


def _python2_notes(text: str, tree: ast.Module | None, name: str,
                   origins: list[tuple[int, int] | None]) -> list[str]:
    """The note naming a notebook's Python 2 lines by cell (none when it has none)."""
    found = python2.changes(text, tree)
    if not found:
        return []

    def place(line: int) -> str:
        origin = origins[min(line, len(origins)) - 1]
        return f"cell {origin[0]}, line {origin[1]}" if origin else f"line {line}"
    return [python2.message(name, found, compiles=tree is not None, place=place)]


def _definitions(tree: ast.Module, lines: list[str], origins: list[tuple[int, int]],
                 notes: list[str]) -> tuple[str, list[tuple[int, int] | None]]:
    out: list[tuple[str, tuple[int, int] | None]] = []   # generated lines with their origins
    skipped_cells: set[int] = set()
    bound = _Bound()
    for node in tree.body:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        span = range(start - 1, node.end_lineno)
        cell = origins[start - 1][0]
        if isinstance(node, _KEPT) or (_is_constant_assignment(node) and bound.reads_only_bound(node)):
            bound.add(node)
            # Imports run as written: one of what the grader lacks (cs231n.data_utils, scipy) costs
            # only the functions that use it (the worker stands in for it: runner/missing_imports.py).
            out += [(f"# cell {cell}", None)] + [(lines[i], origins[i]) for i in span]
        else:
            if not (isinstance(node, ast.Pass) or _is_docstring(node) or is_check_call(node)):
                skipped_cells.add(cell)
            continue
        out.append(("", None))
    if skipped_cells:
        listed = ", ".join(str(c) for c in sorted(skipped_cells))
        notes.append(f"top-level statements in cell(s) {listed} were not run: only imports, functions, classes "
                     "and constants are graded.")
    return "\n".join(text for text, _ in out) + "\n", [origin for _, origin in out]


def is_check_call(node: ast.stmt) -> bool:
    """`notebook.check("relu_forward");`: a lesson's own check cell, which is not run while grading
    and not worth a note saying so."""
    call = node.value if isinstance(node, ast.Expr) else None
    return isinstance(call, ast.Call) and (getattr(call.func, "attr", None) == "check"
                                           or getattr(call.func, "id", None) == "check")


def _is_constant_assignment(node: ast.stmt) -> bool:
    """`EPS = 1e-5`-like: an assignment that calls nothing, on either side (so it cannot run an
    experiment: `d[range(n), Yb] = -1/n` calls range)."""
    if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
        return False
    return not any(isinstance(child, (ast.Call, ast.Await, ast.Yield)) for child in ast.walk(node))


class _Bound:
    """The names the kept statements bind, in order: a kept assignment may read only those (and
    built-ins). `dprobs = (1.0 / probs) * dlogprobs`, Karpathy's style, reads values the notebook
    computed in cells that are not run; kept, it would fail the import of every function."""

    def __init__(self) -> None:
        self.names: set[str] = set(dir(builtins)) | {"__name__", "__file__", "__doc__"}
        self.anything = False       # after `from x import *`, any name may be bound

    def add(self, node: ast.stmt) -> None:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    self.anything = True
                self.names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.names.add(node.name)
        else:
            self.names |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}

    def reads_only_bound(self, node: ast.stmt) -> bool:
        return self.anything or all(n.id in self.names for n in ast.walk(node)
                                    if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load))


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
