"""`run_batch`: grade a whole class, write grades.csv and one report per student."""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..course import Course, CourseNotFound, find_course
from . import outputs
from .grading import Task
from .outputs import BatchRow
from .pool import grade_all
from .sources import BatchError, StudentEntry, find_students

Progress = Callable[[BatchRow, int, int], None]   # (row, students done, students in all)


@dataclass(frozen=True)
class BatchResult:
    """Every student of the batch, sorted by id, and where the outputs are."""
    rows: list[BatchRow]
    out: Path

    @property
    def all_graded(self) -> bool:
        return all(row.graded for row in self.rows)

    @property
    def errors(self) -> list[BatchRow]:
        return [row for row in self.rows if not row.graded]

    @property
    def reused(self) -> list[BatchRow]:
        return [row for row in self.rows if row.reused]

    @property
    def csv_path(self) -> Path:
        return self.out / "grades.csv"


def run_batch(*, source: str | Path, assignment: str, out: str | Path, jobs: int | None = None,
              force: bool = False, public_only: bool = False, allow_unsandboxed: bool = False,
              progress: Progress | None = None, runner_options: dict | None = None,
              grade_fn=None, course: Course | str | Path | None = None) -> BatchResult:
    """Grade every submission in `source` (a folder, or an LMS export zip) in parallel.

    A student already graded from the same content with the same options is skipped unless
    `force`. A submission that cannot be graded becomes a row with status 'error: ...', never an
    exception; BatchError means the batch as a whole cannot run. `runner_options` go to each
    ProcessRunner (call_timeout, import_timeout, total_timeout, ...); `grade_fn` replaces
    grader.engine.grade (a picklable, module-level function with grade's signature). `course` is
    the course directory (see grader.course; found once, here, when not a Course).
    """
    out = Path(out)
    jobs = (os.cpu_count() or 1) if jobs is None else jobs
    _check_options(out, jobs)
    from ..exercises import DeclarationError
    try:
        course = course if isinstance(course, Course) else find_course(course)
        catalogue = course.catalogue()
    except (CourseNotFound, DeclarationError) as error:
        raise BatchError(str(error)) from None
    if assignment not in catalogue:
        raise BatchError(catalogue.unknown(assignment))
    _preflight(assignment, public_only, allow_unsandboxed, course)
    options = {"assignment": assignment, "public_only": public_only, "allow_unsandboxed": allow_unsandboxed}
    with tempfile.TemporaryDirectory(prefix="grader-batch-export-") as unpacked:
        students = find_students(Path(source), Path(unpacked))
        out.mkdir(parents=True, exist_ok=True)
        rows: dict[str, BatchRow] = {}

        def done(row: BatchRow) -> None:
            rows[row.student] = row
            if progress is not None:
                progress(row, len(rows), len(students))

        tasks = []
        for entry in students:
            row = None if force else outputs.reusable(out, entry, options)
            if row is not None:
                done(row)
            else:
                tasks.append(Task(entry, assignment, public_only, allow_unsandboxed, runner_options, course))
        for task, result in grade_all(tasks, jobs, grade_fn):
            done(outputs.record(out, task.entry, result, options))
    ordered = [rows[entry.student] for entry in students]
    outputs.write_csv(out, ordered)
    return BatchResult(ordered, out)


def _check_options(out: Path, jobs: int) -> None:
    if out.exists() and not out.is_dir():
        raise BatchError(f"{out} is a file: --out takes a folder for grades.csv and the reports.")
    if jobs < 1:
        raise BatchError(f"--jobs must be at least 1 (got {jobs}).")


def _preflight(assignment: str, public_only: bool, allow_unsandboxed: bool, course: Course) -> None:
    """Fail once, up front, for what would fail every student: no reference, no sandbox."""
    from ..oracle import ReferenceMissing, oracle_for
    from ..sandbox.zygote import Zygote, ZygoteError
    try:
        oracle = oracle_for([assignment], course)
    except ReferenceMissing as error:
        raise BatchError(f"{error}. Grading needs the reference solutions: pass --course DIR (the folder "
                         "holding reference/ and exercises/) or set GRADER_COURSE.") from None
    if public_only or allow_unsandboxed or oracle.public_only:
        return
    try:
        zygote = Zygote()
    except (ZygoteError, OSError) as error:
        raise BatchError(f"the grader could not start its worker process ({error}).") from None
    try:
        status = zygote.status
    finally:
        zygote.close()
    if not status.complete:
        missing = "; ".join(status.why) or "isolation incomplete"
        raise BatchError(f"student code cannot be fully sandboxed here ({missing}), so hidden checks cannot run. "
                         "Grade the public checks only (--public), or, if you trust every submission, "
                         "pass --allow-unsandboxed.")


__all__ = ["BatchError", "BatchResult", "BatchRow", "StudentEntry", "run_batch"]
