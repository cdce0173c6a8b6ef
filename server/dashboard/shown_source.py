"""What a staff page shows of an uploaded file: its sources as cells, within a budget.

Whatever a student uploaded renders: a notebook whose JSON is odd, a zip with a damaged or
encrypted member, a file that is not UTF-8. And no upload makes a page slow: a 413 KB zip of fifty
half-megabyte files once made a 275 MB page that took 206 s (every byte highlighted, then the
diff of everything). A page reads at most TEXT_BUDGET characters of the upload, highlights the
first HIGHLIGHT_BUDGET of them (Pygments does ~150,000 a second here) and shows the rest as plain
text, in at most MAX_CELLS cells; what is past that is named, with its size, and read by
downloading the file (bench/staff_page.py has the figures).

The bytes are only read here, never run: the web process never executes a submission.
"""
from __future__ import annotations

import io
import json
import zipfile
import zlib
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

MAX_PART = 100_000               # characters of one file or cell shown; the rest is cut, with a note
TEXT_BUDGET = 400_000            # characters of the upload read for one page, all cells together
HIGHLIGHT_BUDGET = 50_000        # of which highlighted; the rest is plain text
MAX_CELLS = 300                  # cells (notebook cells, zip members) shown on one page
MAX_MEMBERS = 50                 # zip members looked at
DOWNLOAD = "download the submission to read it"
FORMATTER = HtmlFormatter(cssclass="highlight", linenos="inline", wrapcode=True)


@dataclass(frozen=True)
class Part:
    """A piece of the upload as text: a .py, a notebook cell, or a zip member's."""
    kind: str                    # code, markdown, raw, file (a .py, or a member of a zip)
    title: str
    text: str


@dataclass
class Cell:
    kind: str
    title: str
    html: Markup | None          # highlighted code
    text: str                    # the plain text (markdown cells, notes about what is not shown)


def source_parts(filename: str, content: bytes) -> list[Part]:
    """The upload's sources as text (no highlighting), each cut at MAX_PART characters, TEXT_BUDGET
    in all: past it, a part is named with its size and not shown."""
    return list(_parts(filename, content))


@lru_cache(maxsize=4)     # a page reads its submission twice (the cells, the diff): unpack it once
def _parts(filename: str, content: bytes) -> tuple[Part, ...]:
    lower = filename.lower()
    if lower.endswith(".ipynb"):
        parts = notebook_parts(content)
    elif lower.endswith(".zip"):
        parts = zip_parts(content)
    else:
        parts = [file_part(filename, content)]
    budget = TEXT_BUDGET
    for index, part in enumerate(parts):
        if len(part.text) > budget:
            parts[index] = Part("raw", part.title, f"Not shown: {len(part.text):,} characters past what one page "
                                                   f"shows; {DOWNLOAD}.")
        budget = max(budget - len(part.text), 0)
    return tuple(parts)


def source_cells(filename: str, content: bytes) -> list[Cell]:
    """The upload as a page shows it: code highlighted until the page's budget is spent, then plain."""
    cells, budget = [], HIGHLIGHT_BUDGET
    parts = source_parts(filename, content)
    for part in parts[:MAX_CELLS]:
        if part.kind in ("code", "file") and len(part.text) <= budget:
            budget -= len(part.text)
            cells.append(Cell(part.kind, part.title, _code(part.text), part.text))
        else:
            cells.append(Cell(part.kind, part.title, None, part.text))
    if len(parts) > MAX_CELLS:
        cells.append(Cell("raw", "more", None, f"{len(parts) - MAX_CELLS:,} more cells or files are not shown; "
                                                 f"{DOWNLOAD}."))
    return cells


def _code(text: str) -> Markup:
    return Markup(highlight(text, PythonLexer(), FORMATTER))


def _cut(text: str) -> str:
    if len(text) <= MAX_PART:
        return text
    return text[:MAX_PART] + f"\n# … cut: {len(text):,} characters in all; {DOWNLOAD}"


def file_part(name: str, content: bytes) -> Part:
    # Decoding only what can be shown: a cut multi-byte character becomes one replacement mark.
    text = content[:MAX_PART * 4].decode("utf-8", errors="replace")
    if len(content) > MAX_PART * 4:
        return Part("file", name, text[:MAX_PART] + f"\n# … cut: the file has {len(content):,} bytes; {DOWNLOAD}")
    return Part("file", name, _cut(text))


def notebook_parts(raw: bytes, name: str = "") -> list[Part]:
    """A notebook's cells in order; anything that is not a notebook's shape says so, never raises."""
    prefix = f"{name} · " if name else ""
    try:
        notebook = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return [Part("raw", name or "notebook", f"This notebook is not valid JSON; {DOWNLOAD}.")]
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return [Part("raw", name or "notebook", f"This notebook has no list of cells; {DOWNLOAD}.")]
    parts = []
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict):
            parts.append(Part("raw", f"{prefix}cell {number}", "This cell is not a notebook cell (not an object)."))
            continue
        kind = cell.get("cell_type") if cell.get("cell_type") in ("code", "markdown", "raw") else "raw"
        count = cell.get("execution_count")
        shown_count = f" · In [{count}]" if kind == "code" and isinstance(count, int) else ""
        parts.append(Part(kind, f"{prefix}cell {number}{shown_count}", _cut(_cell_text(cell.get("source", "")))))
    return parts


def _cell_text(source) -> str:
    """A cell's source as nbformat writes it (a string, or a list of strings); anything else as JSON."""
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    return json.dumps(source)[:MAX_PART]


def zip_parts(content: bytes) -> list[Part]:
    """The .py and .ipynb members of a zip (the first MAX_MEMBERS entries); a member that cannot be
    read (damaged, encrypted, an unknown compression) says so."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()[:MAX_MEMBERS]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
        return [Part("raw", "archive", "This is not a readable zip file.")]
    parts, read = [], 0
    for member in members:
        suffix = member.filename.lower().rsplit(".", 1)[-1]
        if member.is_dir() or suffix not in ("py", "ipynb"):
            continue
        if member.file_size > MAX_PART * 4 or read >= TEXT_BUDGET:     # not even decompressed
            parts.append(Part("raw", member.filename, f"Not shown: {member.file_size:,} bytes; {DOWNLOAD}."))
            continue
        read += member.file_size
        try:
            data = archive.read(member)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, OSError, ValueError, zlib.error) as error:
            parts.append(Part("raw", member.filename, f"This member cannot be read ({error}); {DOWNLOAD}."))
            continue
        parts.extend(notebook_parts(data, member.filename) if suffix == "ipynb" else [file_part(member.filename, data)])
    return parts or [Part("raw", "archive", "The zip holds no .py or .ipynb file.")]
