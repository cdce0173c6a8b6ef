"""Grading one stored submission with the grader's public API, in a queue worker.

The web process never runs this: student code runs in the grader's sandbox, started from the
worker. The worker keeps its sandbox zygote warm between submissions (one per process).
"""
from __future__ import annotations

import json
import re
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from grader import grade
from grader.cases.seeds import submission_seed
from grader.report.graphs import restricted
from grader.results import MEASURE_KEYS, Report
from grader.submission import SubmissionError

from sqlalchemy import insert
from sqlalchemy.orm import Session

from ..gradebook import automatic_score
from ..models import Assignment, Result, Submission, TestRow
from ..models.submissions import joined_gradients


class InfrastructureError(Exception):
    """Grading failed for a reason of ours, not the student's: the row is retried, never counted."""


class GraderCrash(Exception):
    """The grader's own code failed on this submission after reading it (not the machine, the sandbox
    or the course: those are InfrastructureError). Retried like ours, since it may be passing; if the
    last attempt fails too, the grade is deterministic (the same seed, the same code), so the
    submission causes it: it then counts as the student's attempt, scored 0 (crashed_grade). Else a
    student who found such an input would have unlimited attempts."""


def ours(error: Exception) -> bool:
    """Whether an exception out of grader.grade is the machine's, the sandbox's or the course's."""
    from grader.course import CourseNotFound
    from grader.engine import SandboxUnavailable
    from grader.oracle import ReferenceMissing
    from grader.sandbox.zygote import ZygoteError
    return isinstance(error, (SandboxUnavailable, ZygoteError, CourseNotFound, ReferenceMissing, OSError,
                              MemoryError, ImportError))


@dataclass
class Graded:
    result: Result
    tests: list[dict]     # test_results rows, without result_id and submission_id

    def store(self, session: Session, submission_id: int) -> int:
        """Insert the result and its test rows (in the caller's transaction); the result's id."""
        self.result.submission_id = submission_id
        session.add(self.result)
        session.flush()
        # One executemany of plain rows, not the ORM's unit of work nor its bulk path: ~70 rows per
        # grade, at every grade of a rush.
        if self.tests:
            session.execute(insert(TestRow.__table__), [{**row, "result_id": self.result.id,
                                                         "submission_id": submission_id} for row in self.tests])
        return self.result.id


def hidden_case_seed(secret: str, submission: Submission, assignment: Assignment) -> int:
    """From the server secret and who submitted what: a regrade replays exactly, nobody can predict it."""
    return submission_seed("server", str(assignment.course_id), assignment.slug, str(submission.user_id),
                           str(submission.attempt), secret=secret.encode())


def safe_filename(name: str) -> str:
    """The uploaded name, reduced to something harmless that keeps its extension."""
    stem, dot, suffix = name.rpartition(".")
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", stem if dot else name)[:60] or "submission"
    return f"{stem}.{suffix.lower()}" if dot else stem


def grade_submission(submission: Submission, *, secret: str, options: dict | None = None) -> Graded:
    """Grade the stored bytes; a submission that cannot be graded at all (a syntax error, a notebook
    that does not parse) is a graded attempt scoring 0 whose report says why."""
    assignment = submission.assignment
    seed = hidden_case_seed(secret, submission, assignment)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="grader-upload-") as folder:
        path = Path(folder) / safe_filename(submission.filename)
        path.write_bytes(submission.content)
        try:
            report = grade(path, assignment=assignment.exercise, seed=seed, **(options or {}))
        except SubmissionError as error:
            report = Report(seed=seed, notes=[f"Your submission could not be graded: {error}"])
        except Exception as error:  # noqa: BLE001 - the sandbox, the reference, the grader itself
            kind = InfrastructureError if ours(error) else GraderCrash
            raise kind(f"{type(error).__name__}: {error}") from error
    if assignment.functions:
        chosen = set(assignment.functions)
        report.tests = [test for test in report.tests if test.function in chosen]
        report.graphs = restricted(report.graphs, chosen)
    return scored(report, submission, assignment, seed, time.perf_counter() - started)


CRASHED = ("The grader failed on this submission each of the {n} times it tried, in the same way: since grading "
           "the same file again gives the same result, the failure follows from what was submitted, so this "
           "counts as one of your attempts, scored 0. Your instructor sees the error and can regrade or adjust "
           "it; if you believe your code is right, tell them.")


def crashed_grade(submission: Submission, *, secret: str, attempts: int) -> Graded:
    """The graded attempt, scored 0, of a submission the grader crashed on every time (GraderCrash).
    The student is not shown the error itself: it comes from our code and may quote hidden inputs."""
    seed = hidden_case_seed(secret, submission, submission.assignment)
    return scored(Report(seed=seed, notes=[CRASHED.format(n=attempts)]), submission, submission.assignment, seed, 0.0)


def scored(report: Report, submission: Submission, assignment: Assignment, seed: int, seconds: float) -> Graded:
    """The grader's report in the assignment's points, after the late penalty, and its per-test rows."""
    raw, raw_max = report.score, report.max_score
    score = automatic_score(assignment.points, raw, raw_max, submission.penalty_percent)
    result = Result(raw_score=raw, raw_max=raw_max, score=score, max_score=assignment.points,
                    seed=seed, report_json=json.dumps(report.to_dict()), grader_version=_grader_version(),
                    seconds=round(seconds, 3))
    tests = [dict(assignment_id=assignment.id, position=position, function=t.function, check=t.check,
                  visibility=str(t.visibility), status=str(t.status), score=t.score, max_score=t.max_score,
                  mistake=t.mistake, hint=t.hint, wrong_gradients=joined_gradients(t.wrong_gradients),
                  **_measures(t.measures))
             for position, t in enumerate(report.tests)]
    return Graded(result, tests)


def _measures(measures: dict) -> dict:
    return {key: float(measures[key]) if measures.get(key) is not None else None for key in MEASURE_KEYS}


@cache
def _grader_version() -> str:
    try:
        return metadata.version("backprop-grader")
    except metadata.PackageNotFoundError:
        return "unknown"
