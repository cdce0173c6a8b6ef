"""A submission as staff read it: the source highlighted, notebook cells as cells, every attempt
of the same student with a diff between consecutive ones.

Pygments writes class-based HTML only (the CSP forbids inline styles); its colours are the static
file dashboard/pygments.css. The bytes are only read here, never run: the web process never
executes a submission.
"""
from __future__ import annotations

import difflib
import io
import json
import zipfile
from dataclasses import dataclass

import numpy as np

from markupsafe import Markup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import DiffLexer, PythonLexer
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Result, ScoreAdjustment, Submission

MAX_SOURCE = 512 * 1024          # larger files are shown cut, with a note
FORMATTER = HtmlFormatter(cssclass="highlight", linenos="inline", wrapcode=True)


@dataclass
class Cell:
    kind: str                    # code, markdown, raw, file (a .py, or a member of a zip)
    title: str
    html: Markup | None          # highlighted code
    text: str                    # the plain text (markdown cells are shown as text)


def _code(text: str) -> Markup:
    return Markup(highlight(text, PythonLexer(), FORMATTER))


def notebook_cells(raw: bytes, name: str = "") -> list[Cell]:
    """A notebook's cells in order, code highlighted; not a notebook: one note saying so."""
    try:
        notebook = json.loads(raw.decode("utf-8"))
        cells = notebook.get("cells", [])
    except (UnicodeDecodeError, ValueError, AttributeError):
        return [Cell("raw", name or "notebook", None, "This notebook is not valid JSON; download the file to see it.")]
    out = []
    for number, cell in enumerate(cells, 1):
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        kind = cell.get("cell_type", "raw")
        count = cell.get("execution_count")
        title = f"{name + ' · ' if name else ''}cell {number}" + (f" · In [{count}]" if kind == "code" and count else "")
        out.append(Cell(kind, title, _code(text) if kind == "code" else None, text))
    return out


def source_cells(filename: str, content: bytes) -> list[Cell]:
    """What the student handed in, ready to show: a .py, a notebook, or the sources in a zip."""
    lower = filename.lower()
    if lower.endswith(".ipynb"):
        return notebook_cells(content)
    if lower.endswith(".zip"):
        return _zip_cells(content)
    return [_file_cell(filename, content)]


def _file_cell(name: str, content: bytes) -> Cell:
    text = content[:MAX_SOURCE].decode("utf-8", errors="replace")
    if len(content) > MAX_SOURCE:
        text += f"\n# … cut: the file has {len(content)} bytes; download it to see the rest"
    return Cell("file", name, _code(text), text)


def _zip_cells(content: bytes) -> list[Cell]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        return [Cell("raw", "archive", None, "This is not a readable zip file.")]
    cells = []
    for member in archive.infolist()[:50]:
        if member.is_dir() or member.file_size > MAX_SOURCE:
            continue
        if member.filename.endswith(".py"):
            cells.append(_file_cell(member.filename, archive.read(member)))
        elif member.filename.endswith(".ipynb"):
            cells.extend(notebook_cells(archive.read(member), member.filename))
    return cells or [Cell("raw", "archive", None, "The zip holds no .py or .ipynb file.")]


def plain_source(filename: str, content: bytes) -> str:
    """The submission as one text, for diffs: notebook code cells joined, zip members one after another."""
    parts = []
    for cell in source_cells(filename, content):
        if cell.kind in ("code", "file"):
            parts.append(f"# ---- {cell.title}\n{cell.text}" if cell.kind == "code" or filename.endswith(".zip")
                         else cell.text)
    return "\n".join(parts)


def diff_html(before: Submission, after: Submission) -> Markup | None:
    """The unified diff from one attempt to the next, highlighted; None when nothing changed."""
    old = plain_source(before.filename, before.content).splitlines(keepends=True)
    new = plain_source(after.filename, after.content).splitlines(keepends=True)
    lines = list(difflib.unified_diff(old, new, f"attempt {before.attempt}", f"attempt {after.attempt}", n=3))
    if not lines:
        return None
    return Markup(highlight("".join(line if line.endswith("\n") else line + "\n" for line in lines), DiffLexer(),
                            HtmlFormatter(cssclass="highlight")))


@dataclass
class AttemptRow:
    submission: Submission
    score: float | None
    adjustment: float | None


def attempts(session: Session, submission: Submission) -> list[AttemptRow]:
    """Every submission of the same student for the same assignment, oldest first."""
    rows = session.execute(
        select(Submission, Result.score, ScoreAdjustment.points)
        .outerjoin(Result, Result.id == Submission.result_id)
        .outerjoin(ScoreAdjustment, ScoreAdjustment.submission_id == Submission.id)
        .where(Submission.assignment_id == submission.assignment_id, Submission.user_id == submission.user_id)
        .order_by(Submission.attempt)).all()
    return [AttemptRow(s, score, points) for s, score, points in rows]


def previous(rows: list[AttemptRow], submission: Submission) -> Submission | None:
    before = [r.submission for r in rows if r.submission.attempt < submission.attempt]
    return before[-1] if before else None


def pygments_css() -> str:
    """The highlighting colours for light and dark pages (written to static/dashboard/pygments.css):
    the system's setting, unless the page's theme toggle chose one (html[data-theme])."""
    def scoped(style: str, prefix: str) -> str:    # only the .highlight rules: Pygments also styles every <pre>
        rules = HtmlFormatter(style=style).get_style_defs(".highlight").splitlines()
        return "\n".join(prefix + rule for rule in rules if rule.startswith(".highlight"))
    return ("/* Generated by server.dashboard.detail.pygments_css(): Pygments' default and monokai styles. */\n"
            f"{scoped('default', '')}\n"
            f"@media (prefers-color-scheme: dark) {{\n{scoped('monokai', ':root:not([data-theme=light]) ')}\n}}\n"
            f"{scoped('monokai', ':root[data-theme=dark] ')}\n")


@dataclass(frozen=True)
class ShownArray:
    name: str
    shape: tuple[int, ...]
    text: str


def shown_arrays(case) -> list[ShownArray]:
    """A replayed case's arguments and upstream gradient as text staff can read (and paste into numpy:
    full values up to a few hundred elements, numpy's summary beyond); other arguments as Python."""
    values = [*case.inputs.items(), *([("dout", case.dout)] if case.dout is not None else []), *case.extras.items()]
    return [ShownArray(name, tuple(value.shape), np.array2string(value, precision=6, separator=", ", threshold=400,
                                                                 edgeitems=4, max_line_width=110))
            if isinstance(value, np.ndarray) else ShownArray(name, (), repr(value))
            for name, value in values]
