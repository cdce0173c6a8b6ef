"""The student's own code lines in a traceback the worker sent back, for readings that name a mistake
from the line that raised (slips, and the exercises' error hints).

A traceback's code lines are the ones indented under their "File ..." line; Python's ~~^^ markers
under the failing expression are not code. A hidden check's traceback keeps its lines (only the
message is withheld), so a reading from the line works there too.
"""
from __future__ import annotations

import re

# How a check says that the student's function raised: "<function> raised an exception:\n<traceback>"
# (checks.common.outcome_finding writes it; the text report and the engine read it back).
RAISED = " raised an exception:\n"
_EXCEPTION_TYPE = re.compile(r"^\s*([A-Za-z_][\w.]*)")


def code_lines(trace: str) -> list[str]:
    """The student's code lines in a traceback, outermost first, stripped."""
    return [line.strip() for line in (trace or "").splitlines()
            if line.startswith("    ") and not line.strip().startswith("File") and line.strip(" ~^")]


def failing_line(trace: str) -> str:
    """The student's line that raised ("" when the traceback shows none)."""
    lines = code_lines(trace)
    return lines[-1] if lines else ""


def raised(output: str) -> tuple[str, str] | None:
    """(what precedes it, the traceback) of a check's output saying the function raised; None otherwise."""
    head, found, trace = output.partition(RAISED)
    return (head, trace) if found else None


def exception_type(trace: str) -> str | None:
    """The exception's type, from a traceback's last line ("ValueError: ..." or a hidden check's
    "ValueError (the message ... is not shown ...)"); None when that line names none."""
    lines = trace.strip().splitlines()
    kind = _EXCEPTION_TYPE.match(lines[-1]) if lines else None
    return kind.group(1) if kind else None
