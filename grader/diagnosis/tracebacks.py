"""The student's own code lines in a traceback the worker sent back, for readings that name a mistake
from the line that raised (slips, and the exercises' error hints).

A traceback's code lines are the ones indented under their "File ..." line; Python's ~~^^ markers
under the failing expression are not code. A hidden check's traceback keeps its lines (only the
message is withheld), so a reading from the line works there too.
"""
from __future__ import annotations


def code_lines(trace: str) -> list[str]:
    """The student's code lines in a traceback, outermost first, stripped."""
    return [line.strip() for line in (trace or "").splitlines()
            if line.startswith("    ") and not line.strip().startswith("File") and line.strip(" ~^")]


def failing_line(trace: str) -> str:
    """The student's line that raised ("" when the traceback shows none)."""
    lines = code_lines(trace)
    return lines[-1] if lines else ""
