"""The course overview of one assignment, in SQL: counts, the score distribution, the deadline rush."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session

from ..models import Assignment, Submission, SubmissionStatus
from .latest import latest_results, students

BINS = 10


@dataclass(frozen=True)
class Counts:
    enrolled: int
    submitted: int            # students with at least one submission that counts
    graded: int               # students with a graded latest submission
    submissions: int
    late_submissions: int
    late_students: int        # students whose latest graded submission is late
    mean: float | None        # of the latest final scores

    @property
    def not_submitted(self) -> int:
        return self.enrolled - self.submitted


def counts(session: Session, assignment: Assignment) -> Counts:
    """How many are enrolled, have submitted, are late; the mean latest score."""
    enrolled = students(assignment)
    enrolled_count = session.scalar(select(func.count()).select_from(enrolled))
    counted = (select(func.count(func.distinct(Submission.user_id)), func.count(Submission.id),
                      func.count(Submission.id).filter(Submission.late_days > 0))
               .join(enrolled, enrolled.c.user_id == Submission.user_id)
               .where(Submission.assignment_id == assignment.id, Submission.status != SubmissionStatus.ERROR))
    submitted, submissions, late = session.execute(counted).one()
    last = latest_results(assignment).subquery()
    graded, late_students, mean = session.execute(
        select(func.count(), func.count().filter(last.c.late_days > 0), func.avg(last.c.final))).one()
    return Counts(enrolled_count, submitted, graded, submissions, late, late_students,
                  None if mean is None else float(mean))


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    count: int

    @property
    def label(self) -> str:
        return f"{self.low:g}–{self.high:g}"


def distribution(session: Session, assignment: Assignment) -> list[Bin]:
    """Latest final scores in ten equal bins of the assignment's points (full marks in the last)."""
    last = latest_results(assignment).subquery()
    points = assignment.points or 1.0
    bucket = func.least if session.get_bind().dialect.name == "postgresql" else func.min
    index = bucket(func.floor(last.c.final * BINS / points), BINS - 1)
    found = dict(session.execute(select(cast(index, Integer), func.count()).group_by(cast(index, Integer))).all())
    width = points / BINS
    return [Bin(round(i * width, 4), round((i + 1) * width, 4), found.get(i, 0)) for i in range(BINS)]


@dataclass(frozen=True)
class Bucket:
    start: datetime           # in the course's time zone
    count: int
    holds_due: bool


def epoch_seconds(session: Session, column):
    """Seconds since 1970 of a naive-UTC timestamp column, in either database."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", column)
    return cast(func.strftime("%s", column), Integer)


def timeline(session: Session, assignment: Assignment, tz: str) -> tuple[list[Bucket], str]:
    """Submissions per hour (a span of three days or less) or per day, in the course's time zone."""
    enrolled = students(assignment)
    mine = (Submission.assignment_id == assignment.id, Submission.status != SubmissionStatus.ERROR)
    first, last = session.execute(select(func.min(Submission.submitted_at), func.max(Submission.submitted_at))
                                  .join(enrolled, enrolled.c.user_id == Submission.user_id).where(*mine)).one()
    if first is None:
        return [], "day"
    unit = "hour" if last - first <= timedelta(days=3) else "day"
    width = 3600 if unit == "hour" else 86400
    zone = ZoneInfo(tz)
    offset = int(assignment.due_at.astimezone(zone).utcoffset().total_seconds())   # the zone at the deadline
    index = cast(func.floor((epoch_seconds(session, Submission.submitted_at) + offset) / width), Integer)
    found = dict(session.execute(select(index, func.count()).join(enrolled, enrolled.c.user_id == Submission.user_id)
                                 .where(*mine).group_by(index)).all())
    due = (int(assignment.due_at.timestamp()) + offset) // width
    low, high = min(min(found), due), max(max(found), due)
    if high - low > 400:                 # a deadline far from every submission: do not draw a year of zeros
        low, high = min(found), max(found)
    return [Bucket(_local(i * width - offset, zone), found.get(i, 0), i == due) for i in range(low, high + 1)], unit


def _local(epoch: int, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(epoch, timezone.utc).astimezone(zone)
