"""Watching the demo's submissions get graded, and what the class looks like once they are."""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import gradebook
from ..models import Assignment, Enrolment, Role, Submission, SubmissionStatus, TestRow

# One grade per worker (sandboxed, warm zygote), from bench/'s burst: 1,000 submissions in about
# 80 s with 2 workers. The first estimate, before the workers report their own rate (0.7 s, a figure
# from before the worker's speed-ups, had a 42 s demo announced as "about 4 min").
SECONDS_PER_GRADE = 0.15


def estimate_seconds(submissions: int, workers: int) -> float:
    return submissions * SECONDS_PER_GRADE / max(workers, 1)


def minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 90 else f"{seconds:.0f} s"


@dataclass(frozen=True)
class Counts:
    queued: int
    running: int
    graded: int
    error: int

    @property
    def waiting(self) -> int:
        return self.queued + self.running

    @property
    def done(self) -> int:
        return self.graded + self.error


def counts(session: Session, course_id: int) -> Counts:
    rows = dict(session.execute(select(Submission.status, func.count()).join(Assignment)
                                .where(Assignment.course_id == course_id).group_by(Submission.status)).all())
    session.rollback()           # end the read, so the next poll sees the workers' commits
    return Counts(*(rows.get(status, 0) for status in (SubmissionStatus.QUEUED, SubmissionStatus.RUNNING,
                                                       SubmissionStatus.GRADED, SubmissionStatus.ERROR)))


def watch(poll, total: int, echo, *, alive=lambda: True, interval: float = 1.0, every: float = 10.0) -> Counts:
    """Poll `poll()` (a Counts) until nothing waits, telling `echo` how far grading is every
    `every` seconds. Stops early, returning the last counts, when `alive()` turns false."""
    started = time.monotonic()
    first = poll()
    last_told = 0.0
    while True:
        now = poll()
        elapsed = time.monotonic() - started
        if now.waiting == 0 or not alive():
            echo(line(now, total, elapsed, first.done))
            return now
        if elapsed - last_told >= every:
            echo(line(now, total, elapsed, first.done))
            last_told = elapsed
        time.sleep(interval)


def line(now: Counts, total: int, elapsed: float, done_at_start: int) -> str:
    rate = (now.done - done_at_start) / elapsed if elapsed > 0 else 0.0
    text = f"graded {now.done}/{total} ({100 * now.done / max(total, 1):.0f}%)"
    if rate > 0:
        text += f", {rate:.1f}/s"
        if now.waiting:
            text += f", about {minutes(now.waiting / rate)} left"
    return text + (f"; {now.error} failed on our side" if now.error else "")


def summary(session: Session, assignment: Assignment) -> str:
    """One line on the class: who is graded, the spread of the grades of record, the top mistakes of
    the latest submissions."""
    students = select(Enrolment.user_id).where(Enrolment.course_id == assignment.course_id,
                                               Enrolment.role == Role.STUDENT)
    latest = (select(func.max(Submission.id)).where(Submission.assignment_id == assignment.id,
                                                    Submission.status == SubmissionStatus.GRADED,
                                                    Submission.user_id.in_(students))
              .group_by(Submission.user_id))
    record = gradebook.records(assignment)
    scores = sorted(gradebook.rounded(final) for final in session.scalars(
        select(record.c.final).where(record.c.user_id.in_(students))))
    enrolled = session.scalar(select(func.count()).select_from(students.subquery()))
    late = session.scalar(select(func.count()).select_from(Submission).where(
        Submission.assignment_id == assignment.id, Submission.late_days > 0, Submission.user_id.in_(students)))
    mistakes = session.execute(select(TestRow.mistake, func.count(func.distinct(TestRow.submission_id)))
                               .where(TestRow.submission_id.in_(latest), TestRow.mistake.is_not(None))
                               .group_by(TestRow.mistake).order_by(func.count(func.distinct(TestRow.submission_id))
                                                                   .desc()).limit(3)).all()
    if not scores:
        return f"{assignment.slug}: nobody has a graded submission yet"
    full = sum(score >= assignment.points for score in scores)
    top = ", ".join(f"{mistake} ({n})" for mistake, n in mistakes) or "none"
    show = gradebook.show
    return (f"{assignment.slug}: {len(scores)} of {enrolled} students graded, {late} late submissions; grades "
            f"({gradebook.policy_of(assignment)} attempt) min {show(scores[0])}, median "
            f"{show(statistics.median(scores))}, max {show(scores[-1])} of {show(assignment.points)} "
            f"({full} at full marks); most frequent mistakes: {top}")
