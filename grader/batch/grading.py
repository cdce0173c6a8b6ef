"""Grading one student of a batch, inside a pool process: never raises, an error is a result.

Runs in a worker process of the batch's pool (each has its own zygote, started on first use by
grader.sandbox.zygote.shared_zygote). Returns plain dicts, which the batch's main process writes.
"""
from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..course import Course
from .sources import StudentEntry, private_copy


@dataclass(frozen=True)
class Task:
    """What a pool process needs to grade one student."""
    entry: StudentEntry
    assignment: str
    public_only: bool
    allow_unsandboxed: bool
    runner_options: dict | None = None
    course: Course | None = None      # found once by run_batch, so every pool process grades the same


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def grade_student(task: Task, grade_fn=None) -> dict:
    """{"student", "report" (Report.to_dict) and "gradescope" (results.json), or "error"; "seconds",
    "graded_at"}. `grade_fn` defaults to grader.engine.grade."""
    from ..engine import SandboxUnavailable, grade
    from ..oracle import ReferenceMissing
    from ..report.gradescope import to_gradescope_dict
    from ..sandbox.zygote import ZygoteError
    from ..submission import SubmissionError

    started, graded_at = time.monotonic(), now()
    try:
        with tempfile.TemporaryDirectory(prefix="grader-batch-") as folder:
            target = private_copy(task.entry, Path(folder) / "submission")
            report = (grade_fn or grade)(target, assignment=task.assignment, public_only=task.public_only,
                                         allow_unsandboxed=task.allow_unsandboxed,
                                         runner_options=task.runner_options, course=task.course)
        return {"student": task.entry.student, "report": report.to_dict(),
                "gradescope": to_gradescope_dict(report), "error": None,
                "seconds": time.monotonic() - started, "graded_at": graded_at}
    except (SubmissionError, SandboxUnavailable) as error:
        message = str(error)
    except ZygoteError as error:
        message = f"the grader could not start a worker process: {error}"
    except ReferenceMissing as error:
        message = f"{error}; the batch needs the reference solutions (pass --course DIR or set GRADER_COURSE)"
    except Exception as error:  # noqa: BLE001  -- one submission must never stop the batch
        message = (f"the grader failed on this submission ({type(error).__name__}: {error}); "
                   "grade it alone with `grade check` and report the problem")
    return failure(task.entry.student, message, time.monotonic() - started, graded_at)


def failure(student: str, message: str, seconds: float = 0.0, graded_at: str | None = None) -> dict:
    """The result of a submission that could not be graded at all."""
    return {"student": student, "report": None, "gradescope": None, "error": message,
            "seconds": seconds, "graded_at": graded_at or now()}


def ping() -> bool:
    """A task that only proves a pool process started."""
    return True
