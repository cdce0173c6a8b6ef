"""Can an upload be graded at all? Checked at upload, before it counts as an attempt.

A syntax error, a notebook that does not parse, or a file that defines none of the assignment's
functions (another assignment's code) would be graded 0 and cost an attempt; instead the student is
shown the problem with nothing spent. The file is only read and parsed here (the grader's own
loader: nbformat and the ast), never run. An assignment's `precheck_uploads` turns this off.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from grader.loading import load_submission
from grader.submission import SubmissionError

from .exercises import catalogue
from .models import Assignment
from .queue.grading import safe_filename
from .uploads import Upload

NOTHING_SPENT = "Nothing was submitted and no attempt was used."


def assignment_functions(exercise: str, chosen: list | None = None) -> set[str]:
    """The student functions an assignment grades (all of its exercise set's, or the chosen ones)."""
    found = catalogue()
    names = found.functions(exercise) if exercise in found else set()
    return names & set(chosen) if chosen else names


def problem(upload: Upload, assignment: Assignment) -> str | None:
    """Why `upload` cannot be graded for `assignment`, in words for the student; None if it can."""
    shown = safe_filename(upload.filename)       # what the site stores and shows, never the raw name
    with tempfile.TemporaryDirectory(prefix="grader-precheck-") as folder:
        path = Path(folder) / shown
        path.write_bytes(upload.content)
        try:
            loaded = load_submission(path, Path(folder) / "work", assignment_functions(assignment.exercise))
        except SubmissionError as error:
            return f"{shown} cannot be graded. {NOTHING_SPENT}\n{error}"
        except (RecursionError, MemoryError, OSError):
            return None          # too odd to judge here: the worker's sandbox grades it and says why
    wanted = assignment_functions(assignment.exercise, assignment.functions)
    if loaded.defined & wanted:
        return None
    text = (f"{shown} defines none of this assignment's functions ({', '.join(sorted(wanted))}). "
            f"{NOTHING_SPENT}")
    others = [name for name in catalogue().names() if name != assignment.exercise
              and loaded.defined & assignment_functions(name)]
    if others:
        text += f" It looks like the {others[0]} assignment: check that you chose the right file."
    if loaded.notes:
        text += "\n" + "\n".join(loaded.notes)
    return text
