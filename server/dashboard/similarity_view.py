"""A compared source as the side-by-side page shows it: numbered lines, highlighted by Pygments,
the lines inside a similar region marked.

Whole lines are marked, not characters: copydetect maps its ranges from the filtered tokens back
to the text approximately (a range may start a few characters into a line), and a reader compares
lines anyway. Class-based HTML only (the CSP forbids inline styles): the colours are
static/dashboard/pygments.css, under the same `.highlight` class as the submission page's.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

from markupsafe import Markup, escape
from pygments import lex
from pygments.lexers import PythonLexer
from pygments.token import STANDARD_TYPES


@dataclass
class Line:
    number: int
    html: Markup
    similar: bool
    starts_region: int | None = None      # the region's number (1, 2, ...) on its first line


def _css_class(kind) -> str:
    while kind not in STANDARD_TYPES:
        kind = kind.parent
    return STANDARD_TYPES[kind]


def highlighted_lines(source: str) -> list[Markup]:
    """The source's lines as HTML, one per line (a token across lines is split at each newline)."""
    lines: list[list[str]] = [[]]
    for kind, value in lex(source, PythonLexer()):
        css = _css_class(kind)
        for index, piece in enumerate(value.split("\n")):
            if index:
                lines.append([])
            if piece:
                lines[-1].append(f'<span class="{css}">{escape(piece)}</span>' if css else str(escape(piece)))
    if lines and not lines[-1]:
        lines.pop()                      # the final newline ends the last line, it starts none
    return [Markup("".join(parts)) for parts in lines]


def side(source: str, regions: list) -> list[Line]:
    """The lines of one side, those overlapping any [start, end) region marked similar."""
    starts = [0]
    for position, char in enumerate(source):
        if char == "\n":
            starts.append(position + 1)
    similar, first = set(), {}
    for number, (start, end) in enumerate(sorted(regions), 1):
        top = bisect.bisect_right(starts, start) - 1
        bottom = bisect.bisect_right(starts, max(start, end - 1)) - 1
        first.setdefault(top, number)
        similar.update(range(top, bottom + 1))
    return [Line(i + 1, html, i in similar, first.get(i)) for i, html in enumerate(highlighted_lines(source))]


def share_of_lines(lines: list[Line]) -> float:
    return sum(line.similar for line in lines) / len(lines) if lines else 0.0
