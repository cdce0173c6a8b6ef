"""The demo's student code: correct base submissions, and known mistakes to put into them.

server/demo/corpus/ ships with the package (an installed grader has no tests/): `gates.py` and
`layers.py` are correct submissions (copies of tests/corpus/correct/*_vectorized.py), and each
file in `bugs/` holds the function(s) one buggy corpus file changes in its base. A demo student's
attempt is the base with some of those functions swapped in, and some left unfinished (the stub's
NotImplementedError), so one file can hold several mistakes and lose them one at a time.
"""
from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

EXERCISES = ("gates", "layers")


@dataclass(frozen=True)
class Bug:
    name: str                      # the corpus file's stem, e.g. layers_affine_db_axis1
    exercise: str
    about: str                     # what is wrong, in words (the fragment's docstring)
    mistake: str                   # the id the grader gives it (grader/diagnosis/mistake_ids.py)
    functions: dict[str, str]      # function name -> its buggy source


def _corpus():
    return resources.files(__package__) / "corpus"


@cache
def base(exercise: str) -> str:
    """The correct submission every demo attempt of `exercise` starts from."""
    return (_corpus() / f"{exercise}.py").read_text(encoding="utf-8")


def _functions(source: str) -> dict[str, ast.FunctionDef]:
    return {node.name: node for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)}


@cache
def _base_functions(exercise: str) -> dict[str, ast.FunctionDef]:
    return _functions(base(exercise))


def functions(exercise: str) -> list[str]:
    """The base's top-level functions, in file order (helpers such as `unbroadcast` included)."""
    return list(_base_functions(exercise))


@cache
def bugs(exercise: str) -> tuple[Bug, ...]:
    """Every known mistake for `exercise`, by name."""
    found = []
    for entry in sorted((_corpus() / "bugs").iterdir(), key=lambda item: item.name):
        if not entry.name.startswith(f"{exercise}_") or not entry.name.endswith(".py"):
            continue
        source = entry.read_text(encoding="utf-8")
        tree = ast.parse(source)
        about = " ".join((ast.get_docstring(tree) or "").split())
        mistake = re.search(r"\(mistake (\w+);", about)
        found.append(Bug(entry.name[:-3], exercise, about, mistake.group(1) if mistake else "",
                         {name: ast.get_source_segment(source, node) for name, node in _functions(source).items()}))
    return tuple(found)


def unfinished(exercise: str, name: str) -> str:
    """`name` as the stub hands it out: its signature and a NotImplementedError."""
    node = _base_functions(exercise)[name]
    return f'def {name}({ast.unparse(node.args)}):\n    raise NotImplementedError("TODO: implement {name}")'


def compose(exercise: str, replacements: dict[str, str], header: str = "") -> str:
    """The base with each named function's definition replaced by the given source, under the
    student's own `header` instead of the base's docstring."""
    source = base(exercise)
    lines = source.splitlines()
    nodes = sorted(_base_functions(exercise).values(), key=lambda node: node.lineno, reverse=True)
    for node in nodes:       # bottom up, so earlier line numbers stay right
        if node.name in replacements:
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
            lines[first:node.end_lineno] = replacements[node.name].splitlines()
    first_function = min(node.lineno for node in nodes)
    lines[:first_function - 1] = ["import numpy as np", "", ""]   # not the base's docstring: it speaks of the corpus
    return header + "\n".join(lines).lstrip("\n") + "\n"


def as_notebook(source: str, title: str) -> bytes:
    """The same code as a student's Jupyter notebook (nbformat 4): a title, one cell per function,
    and a cell of experiments that the grader leaves out."""
    lines = source.splitlines()
    cells = [{"cell_type": "markdown", "metadata": {}, "source": f"# {title}"}]
    for node in ast.parse(source).body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue         # the module docstring
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))]) - 1
        cells.append("\n".join(lines[first:node.end_lineno]))
    cells.append("%matplotlib inline\nnp.random.seed(0)\nx = np.random.randn(4, 5)\nprint(x.shape)")
    notebook = {"cells": [cell if isinstance(cell, dict) else
                          {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": cell}
                          for cell in cells],
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
                "nbformat": 4, "nbformat_minor": 4}
    return json.dumps(notebook, indent=1).encode("utf-8")
