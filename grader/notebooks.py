"""Notebook submissions: the code cells of a .ipynb become one Python module to grade.

Only what defines things is kept: imports (each made optional, so a plotting library that the
grader lacks does not sink the submission), functions, classes and constant assignments. A
notebook's experiments — cells that call the functions, print, plot, time — are not run while
grading, and IPython magics and `!shell` lines are dropped, never executed. The student is told
what was left out.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

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
    import nbformat  # only notebook submissions need it
    try:
        notebook = nbformat.read(str(path), as_version=4)
    except Exception as error:  # nbformat raises JSON, validation and version errors of many types
        reason = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        raise SubmissionError(f"{path.name} is not a valid Jupyter notebook ({reason}). Open it in Jupyter "
                              "and save it again, or submit your code as a .py file.") from None
    return [(number, cell.source) for number, cell in enumerate(notebook.cells, start=1)
            if cell.cell_type == "code"]


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
        cell = origins[min(max((error.lineno or 1) - 1, 0), len(origins) - 1)][0] if origins else 1
        raise SubmissionError(f"{name}, cell {cell}: syntax error: {error.msg}\n    {(error.text or '').rstrip()}\n"
                              "Fix that cell, save the notebook, and submit it again.") from None
    source, kept_origins = _definitions(tree, lines, origins, notes)
    return Conversion(source, notes, kept_origins)


def _definitions(tree: ast.Module, lines: list[str], origins: list[tuple[int, int]],
                 notes: list[str]) -> tuple[str, list[tuple[int, int] | None]]:
    out: list[tuple[str, tuple[int, int] | None]] = []   # generated lines with their origins
    skipped_cells: set[int] = set()
    for node in tree.body:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        span = range(start - 1, node.end_lineno)
        cell = origins[start - 1][0]
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out += [(f"# cell {cell}", None), ("try:", None)]
            out += [("    " + lines[i], origins[i]) for i in span]
            out += [("except ImportError:  # not available while grading", None), ("    pass", None)]
        elif isinstance(node, _KEPT) or _is_constant_assignment(node):
            out += [(f"# cell {cell}", None)] + [(lines[i], origins[i]) for i in span]
        else:
            if not (isinstance(node, ast.Pass) or _is_docstring(node)):
                skipped_cells.add(cell)
            continue
        out.append(("", None))
    if skipped_cells:
        listed = ", ".join(str(c) for c in sorted(skipped_cells))
        notes.append(f"top-level statements in cell(s) {listed} were not run: only imports, functions, classes "
                     "and constants are graded.")
    return "\n".join(text for text, _ in out) + "\n", [origin for _, origin in out]


def _is_constant_assignment(node: ast.stmt) -> bool:
    """`EPS = 1e-5`-like: an assignment that calls nothing (so it cannot run an experiment)."""
    if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
        return False
    return not any(isinstance(child, (ast.Call, ast.Await, ast.Yield)) for child in ast.walk(node.value))


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
