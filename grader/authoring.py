"""Authoring: one lesson source per assignment becomes the student's stub module and notebook.

`exercises/<assignment>/lesson.py` is a Python file in jupytext's "percent" format. Each cell
starts with a marker line naming its kind:

    # %% [markdown]   text, written in comment lines ("# ..."); teaches, notebook only
    # %% [setup]      code both files get (imports)
    # %% [stub]       one function stub: signature, docstring, `# TODO` and
                      `raise NotImplementedError("name")`; or one class whose methods but
                      __init__ end so; both files get it
    # %% [check]      notebook-only code, e.g. `notebook.check("affine_forward");`

From it, `<assignment>.py` gets the first markdown cell as its module docstring, then the setup and
stub cells, nothing else; `<assignment>.ipynb` gets every cell. Both are generated
(`grade build-exercises`), never edited by hand, and byte-for-byte stable, so a test can tell when
they drift from the lesson.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

KINDS = ("markdown", "setup", "stub", "check")
LESSON_FILE = "lesson.py"
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}

_MARKER = re.compile(r"^# %%(.*)$")
_KIND = re.compile(r"^ \[(\w+)\]\s*$")
_HEADING = re.compile(r"^#+\s+")


class LessonError(ValueError):
    """A lesson source that cannot be turned into exercise files; the message names the line."""


@dataclass(frozen=True)
class Cell:
    kind: str            # one of KINDS
    source: str          # markdown text (comment marks removed) or code; no surrounding blank lines
    line: int            # line of the cell's marker in the lesson, for error messages
    name: str | None = None   # stub: the function it defines; check: the function it checks


def parse_lesson(text: str, filename: str = LESSON_FILE) -> list[Cell]:
    """The cells of a lesson source, in order; LessonError naming the line if it is malformed."""
    cells: list[Cell] = []
    kind, start, body = None, 0, []
    for number, line in enumerate(text.splitlines(), start=1):
        marker = _MARKER.match(line)
        if marker is None:
            if kind is None and line.strip() and not line.startswith("#"):
                raise LessonError(f"{filename}, line {number}: code before the first '# %% [kind]' cell marker")
            body.append(line)
            continue
        if kind is not None:
            cells.append(_cell(kind, body, start, filename))
        found = _KIND.match(marker.group(1))
        if found is None or found.group(1) not in KINDS:
            raise LessonError(f"{filename}, line {number}: a cell marker is '# %% [kind]' with kind one of "
                              f"{', '.join(KINDS)}; found {line!r}")
        kind, start, body = found.group(1), number, []
    if kind is not None:
        cells.append(_cell(kind, body, start, filename))
    if not any(cell.kind == "markdown" for cell in cells):
        raise LessonError(f"{filename}: no markdown cell (the first one is the module docstring)")
    return cells


def _cell(kind: str, lines: list[str], start: int, filename: str) -> Cell:
    while lines and not lines[-1].strip():
        lines.pop()
    skipped = 0   # blank lines between the marker and the content: content line k is line start + skipped + k
    while lines and not lines[0].strip():
        lines.pop(0)
        skipped += 1
    where = f"{filename}, line {start}"
    if not lines:
        raise LessonError(f"{where}: empty {kind} cell")
    if kind == "markdown":
        text = []
        for offset, line in enumerate(lines, start=1):
            if line != "#" and not line.startswith("# "):
                raise LessonError(f"{filename}, line {start + skipped + offset}: a markdown line starts with '# ' "
                                  f"(or is just '#'); found {line!r}")
            text.append(line[2:])
        return Cell(kind, "\n".join(text), start)
    source = "\n".join(lines)
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        line = start + skipped + (error.lineno or 1)
        raise LessonError(f"{filename}, line {line}: syntax error: {error.msg}") from None
    if kind == "stub":
        return Cell(kind, source, start, _stub_name(tree, where))
    if kind == "check":
        return Cell(kind, source, start, _checked_name(tree))
    return Cell(kind, source, start)


def _stub_name(tree: ast.Module, where: str) -> str:
    """A stub cell is one function that ends by raising NotImplementedError(its name), or one class
    (a student-written class, e.g. an autograd Value) whose methods, but for __init__, do."""
    if len(tree.body) == 1 and isinstance(tree.body[0], ast.ClassDef):
        return _class_stub_name(tree.body[0], where)
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.FunctionDef):
        raise LessonError(f"{where}: a stub cell holds exactly one function definition (or one class)")
    function = tree.body[0]
    last = function.body[-1]
    expected = f'raise NotImplementedError("{function.name}")'
    if ast.get_docstring(function) is None:
        raise LessonError(f"{where}: {function.name} needs a docstring stating its inputs, outputs and shapes")
    if not (isinstance(last, ast.Raise) and ast.dump(last) == ast.dump(ast.parse(expected).body[0])):
        raise LessonError(f"{where}: {function.name} must end with {expected} (stubs never hold a solution)")
    return function.name


def _class_stub_name(cls: ast.ClassDef, where: str) -> str:
    """A class stub: a docstring, and every method but __init__ (which sets up the structure the
    grader reads) ending with `raise NotImplementedError(...)`."""
    if ast.get_docstring(cls) is None:
        raise LessonError(f"{where}: {cls.name} needs a docstring stating what it holds and does")
    for method in cls.body:
        if not isinstance(method, ast.FunctionDef) or method.name == "__init__":
            continue
        last = method.body[-1]
        raised = getattr(last, "exc", None)
        if not (isinstance(last, ast.Raise) and isinstance(raised, ast.Call)
                and getattr(raised.func, "id", None) == "NotImplementedError"):
            raise LessonError(f"{where}: {cls.name}.{method.name} must end with raise NotImplementedError(...) "
                              "(stubs never hold a solution)")
    return cls.name


def _checked_name(tree: ast.Module) -> str | None:
    """The function a check cell checks: the string argument of its `check(...)` call, if any."""
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and (getattr(node.func, "attr", None) == "check" or getattr(node.func, "id", None) == "check")):
            return node.args[0].value
    return None


def module_docstring(cells: list[Cell]) -> str:
    """The first markdown cell as a docstring: its heading marks removed from the first line."""
    text = next(cell.source for cell in cells if cell.kind == "markdown")
    first, *rest = text.split("\n")
    if _HEADING.match(first):   # "# Title" reads as a summary line "Title."
        first = _HEADING.sub("", first).rstrip()
        first += "" if first.endswith((".", "!", "?", ":")) else "."
    text = "\n".join([first, *rest])
    if '"""' in text:
        raise LessonError('the first markdown cell becomes a docstring, so it cannot contain """')
    return ('r"""' if "\\" in text else '"""') + text + '\n"""'


def stub_source(cells: list[Cell]) -> str:
    """The student's .py module: the docstring, then the setup cells, then the stub cells."""
    setup = [cell.source for cell in cells if cell.kind == "setup"]
    stubs = [cell.source for cell in cells if cell.kind == "stub"]
    parts = [module_docstring(cells)]
    if setup:
        parts.append("\n\n".join(setup))
    text = "\n\n".join(parts)
    if stubs:
        text += "\n\n\n" + "\n\n\n".join(stubs)
    return text + "\n"


def notebook(cells: list[Cell]):
    """The student's notebook: every cell, no outputs, fixed ids and metadata."""
    import nbformat.v4 as v4  # only authoring needs nbformat here

    counts: dict[str, int] = {}
    made = []
    for cell in cells:
        counts[cell.kind] = counts.get(cell.kind, 0) + 1
        cell_id = f"{cell.kind}-{cell.name or counts[cell.kind]}"
        if cell.kind == "markdown":
            made.append(v4.new_markdown_cell(cell.source, id=cell_id))
            continue
        metadata: dict = {"tags": [cell.kind]}
        if cell.kind == "check":   # Jupyter keeps students from editing or deleting what grades them
            metadata.update(deletable=False, editable=False)
        made.append(v4.new_code_cell(cell.source, id=cell_id, metadata=metadata))
    ids = [c.id for c in made]
    if len(ids) != len(set(ids)):
        duplicated = sorted({i for i in ids if ids.count(i) > 1})
        raise LessonError(f"two cells would share the notebook id {duplicated[0]!r} (a function stubbed or "
                          "checked twice?)")
    return v4.new_notebook(cells=made, metadata={"kernelspec": dict(KERNELSPEC),
                                                 "language_info": {"name": "python"}})


def notebook_text(cells: list[Cell]) -> str:
    """The notebook as it is stored: nbformat's JSON (sorted keys), ending with a newline."""
    import nbformat
    return nbformat.writes(notebook(cells), version=4) + "\n"


def generated_files(assignment: str, exercises_dir: Path = Path("exercises")) -> dict[Path, str]:
    """What the lesson of `assignment` generates: path -> exact text."""
    folder = Path(exercises_dir) / assignment
    lesson = folder / LESSON_FILE
    if not lesson.is_file():
        raise LessonError(f"no lesson source at {lesson}")
    cells = parse_lesson(lesson.read_text(encoding="utf-8"), str(lesson))
    return {folder / f"{assignment}.py": stub_source(cells), folder / f"{assignment}.ipynb": notebook_text(cells)}


def write_exercise_files(assignment: str, exercises_dir: Path = Path("exercises")) -> list[Path]:
    """Write `<assignment>.py` and `<assignment>.ipynb` from the lesson; the paths (unchanged files are
    not rewritten, so their modification times stay)."""
    files = generated_files(assignment, exercises_dir)
    for path, text in files.items():
        data = text.encode("utf-8")
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
    return list(files)


def main(*, assignment: str | None = None, exercises_dir: Path = Path("exercises")) -> list[Path]:
    """`grade build-exercises [ASSIGNMENT]`: regenerate the stubs and notebooks of one assignment, or of
    every assignment that has a lesson."""
    import click

    exercises_dir = Path(exercises_dir)
    if assignment is None:
        assignments = sorted(p.parent.name for p in exercises_dir.glob(f"*/{LESSON_FILE}"))
        if not assignments:
            raise click.ClickException(f"no {exercises_dir}/<assignment>/{LESSON_FILE} found: run this from "
                                       "the course checkout, next to exercises/.")
    else:
        assignments = [assignment]
    written: list[Path] = []
    for name in assignments:
        try:
            written.extend(write_exercise_files(name, exercises_dir))
        except LessonError as error:
            raise click.ClickException(str(error)) from None
    for path in written:
        click.echo(f"generated {path}")
    return written
