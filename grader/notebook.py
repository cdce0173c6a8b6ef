"""Checking work from inside a notebook: `from grader import notebook; notebook.check("relu_forward");`

`check` grades the code the student has run in this kernel (IPython's input history, `In`): the
cells in the order they ran, so a later definition replaces an earlier one, exactly as in the
kernel. It runs the public checks only, in the same sandboxed worker as `grade check`, and shows
the report of one exercise (its forward and backward) under the cell.
"""
from __future__ import annotations

import ast
import dataclasses
import re
import tempfile
import warnings
from pathlib import Path

from .exercises import Exercise
from .notebooks import is_check_call
from .results import Report

NAME = "your notebook"
_DEFINES = re.compile(r"^(?:async\s+def|def|class)\s+(\w+)", re.MULTILINE)


class NotebookProblem(Exception):
    """Something the student can fix (a typo in a function name, a cell that cannot be graded)."""


def check(function_name: str | None = None, *, source: str | list[str] | None = None) -> Report | None:
    """Grade the code run in this notebook on the public checks and display the report: of the
    exercise that `function_name` (or the exercise's name) belongs to, forward and backward, or of
    everything when None. A backward whose cell has not run yet is left out of a forward's check.

    `source` (one string, or a list of cell sources) replaces the kernel's history, for tests and
    for use outside IPython. Returns the Report (after displaying it), or None when the code could
    not be graded at all; then a message says why.
    """
    from .course import CourseNotFound
    from .engine import SandboxUnavailable, grade
    from .exercises import DeclarationError, catalogue
    from .oracle import ReferenceMissing
    from .sandbox.zygote import ZygoteError
    from .submission import SubmissionError

    try:
        known = catalogue()
        exercise = _exercise(function_name, known)
        cells, from_history = (_history(), True) if source is None else (_as_cells(source), False)
        module, notes = notebook_module(cells, from_history=from_history)
        defined = _defined(module)
        if exercise is None and not known.defining(defined):
            raise NotebookProblem("none of the exercise functions is defined yet: run the cells that define "
                                  "them, then this check again.")
        with tempfile.TemporaryDirectory(prefix="grader-notebook-") as folder:
            path = Path(folder) / "notebook_cells.py"
            path.write_text(module, encoding="utf-8")
            report = grade(path, assignment=exercise.assignment if exercise else None, public_only=True)
    except (NotebookProblem, SubmissionError, SandboxUnavailable, ReferenceMissing, CourseNotFound,
            DeclarationError) as problem:
        _display_problem(str(problem))
        return None
    except ZygoteError as problem:
        _display_problem(f"the grader could not start a worker process: {problem}")
        return None
    shown = _shown_functions(exercise, function_name, defined)
    report = _only(report, shown)
    report.notes.extend(notes)
    unrun = [f for f in shown or () if f not in defined]
    if unrun:
        report.notes.append(f"{' and '.join(unrun)} {'is' if len(unrun) == 1 else 'are'} not defined: the check "
                            "sees only code you have run, so run the cell that defines it first.")
    _display(report)
    return report


def notebook_module(cells: list[str], *, from_history: bool) -> tuple[str, list[str]]:
    """The gradable module of a notebook's cells, and notes for the student.

    Check cells (imports of grader, `check(...)` calls) and IPython machinery are taken out. A cell
    that does not compile raises NotebookProblem, except in the kernel's history: there it never
    ran, so it is left out (with a note while no later cell defines what it meant to define).
    """
    from .notebooks import convert_cells

    prepared: list[str] = []
    broken: dict[int, set[str]] = {}
    for number, cell in enumerate(cells, start=1):
        tree = _compiled(cell)
        if isinstance(tree, SyntaxError):
            if not from_history:
                line = (tree.text or "").rstrip()
                raise NotebookProblem(f"cell {number}, line {tree.lineno or 1}: syntax error: {tree.msg}"
                                      + (f"\n    {line}" if line else "")
                                      + "\nFix that cell, run it, then run this check again.")
            broken[number] = set(_DEFINES.findall(cell))
            prepared.append("")
            continue
        prepared.append(_without_checks(cell, tree))
    # Running the same cell again changes nothing: keep its last run only, so the order stays true.
    seen: set[str] = set()
    for index in reversed(range(len(prepared))):
        if prepared[index] in seen:
            prepared[index] = ""
        seen.add(prepared[index])
    notes = _broken_notes(broken, cells)
    conversion = convert_cells(prepared, NAME)
    return conversion.source, notes + conversion.notes


def _compiled(cell: str) -> ast.Module | SyntaxError:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # a SyntaxWarning is the student's business, not an error
            tree = ast.parse(cell)
            compile(tree, "<cell>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    except SyntaxError as error:
        return error
    except ValueError as error:   # null bytes
        return SyntaxError(str(error))
    return tree


def _broken_notes(broken: dict[int, set[str]], cells: list[str]) -> list[str]:
    notes = []
    for number, names in broken.items():
        later = {name for after, cell in enumerate(cells[number:], start=number + 1) if after not in broken
                 for name in _DEFINES.findall(cell)}
        lost = sorted(names - later)
        if lost:
            notes.append(f"cell [{number}] has a syntax error, so it did not run and {', '.join(lost)} "
                         f"{'is' if len(lost) == 1 else 'are'} graded as defined before it (if at all): "
                         "fix it and run it again.")
    return notes


def _without_checks(cell: str, tree: ast.Module) -> str:
    """`cell` with its top-level check statements replaced by `pass` (so line structure stays valid)."""
    dropped = [node for node in tree.body if _is_check_statement(node)]
    if not dropped:
        return cell
    lines = re.split(r"(?<=\n)", cell)   # as ast counts lines (str.splitlines also splits at \f and others)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(lineno: int, col: int) -> int:   # ast columns count UTF-8 bytes
        return starts[lineno - 1] + len(lines[lineno - 1].encode("utf-8")[:col].decode("utf-8", "ignore"))

    for node in reversed(dropped):
        start, end = offset(node.lineno, node.col_offset), offset(node.end_lineno, node.end_col_offset)
        cell = cell[:start] + "pass" + cell[end:]
    return cell


def _is_check_statement(node: ast.stmt) -> bool:
    """An import of the grader, a `check(...)` call, or a line IPython made of a %magic or !shell."""
    if isinstance(node, ast.Import):
        return any(alias.name.split(".")[0] == "grader" for alias in node.names)
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").split(".")[0] == "grader"
    if not isinstance(node, (ast.Expr, ast.Assign, ast.AnnAssign)) or node.value is None:
        return False
    for child in ast.walk(node.value):
        if isinstance(child, ast.Call):
            if isinstance(child.func, ast.Name) and child.func.id == "get_ipython":
                return True
    return is_check_call(node)


def _defined(module: str) -> set[str]:
    from .submission import defined_names
    return defined_names(ast.parse(module))


def _exercise(function_name: str | None, catalogue) -> Exercise | None:
    if function_name is None:
        return None
    for exercise in catalogue.exercises():
        if function_name in exercise.functions or function_name == exercise.name:
            return exercise
    known = ", ".join(f for ex in catalogue.exercises() for f in ex.functions)
    raise NotebookProblem(f"{function_name!r} is not an exercise function; check one of: {known}.")


def _shown_functions(exercise: Exercise | None, function_name: str | None,
                     defined: set[str]) -> tuple[str, ...] | None:
    """The functions whose checks a check cell shows (None: all). The exercise's forward and backward,
    except that a later function whose cell has not run yet is left out: right under the forward,
    the backward not written yet is not a failure."""
    if exercise is None:
        return None
    order = exercise.functions
    until = order.index(function_name) if function_name in order else len(order) - 1
    return tuple(f for i, f in enumerate(order) if i <= until or f in defined)


def _only(report: Report, functions: tuple[str, ...] | None) -> Report:
    """The report of some functions' checks (all of it when `functions` is None)."""
    if functions is None:
        return report
    tests = [t for t in report.tests if t.function in functions]
    return dataclasses.replace(report, tests=tests, notes=list(report.notes))


def _shell():
    """The running IPython shell, or None outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _history() -> list[str]:
    """The cells run in this kernel, in order; cell k is the one Jupyter labels [k]."""
    shell = _shell()
    if shell is None:
        raise NotebookProblem("notebook.check() grades the code run in a Jupyter notebook. Outside one, "
                              "run `grade check yourfile.py`.")
    return [str(cell) for cell in shell.user_ns.get("In", [""])[1:]]


def _as_cells(source: str | list[str]) -> list[str]:
    return [source] if isinstance(source, str) else [str(cell) for cell in source]


def _display(report: Report) -> None:
    from .report.html import to_html
    from .report.text import to_text

    if _shell() is None:
        print(to_text(report))
        return
    from IPython.display import display
    display({"text/html": to_html(report), "text/plain": to_text(report)}, raw=True)


def _display_problem(message: str) -> None:
    from html import escape

    if _shell() is None:
        print(f"Could not check your notebook: {message}")
        return
    from IPython.display import display
    html = ('<div style="border: 1px solid #cf222e; border-radius: 6px; padding: 8px 14px; color: #cf222e; '
            'font-family: sans-serif; font-size: 14px"><b>Could not check your notebook:</b>'
            f'<pre style="white-space: pre-wrap; color: #1f2328">{escape(message)}</pre></div>')
    display({"text/html": html, "text/plain": f"Could not check your notebook: {message}"}, raw=True)
