"""The course overview of one assignment, in SQL: counts, the score distribution, the deadline rush."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session

from ..models import Assignment, Submission, SubmissionStatus
from .latest import records_of_students, students

BINS = 10


@dataclass(frozen=True)
class Counts:
    enrolled: int
    submitted: int            # students with at least one submission that counts
    graded: int               # students with a grade of record
    submissions: int
    late_submissions: int
    late_students: int        # students whose grade of record is from a late submission
    mean: float | None        # of the grades of record

    @property
    def not_submitted(self) -> int:
        return self.enrolled - self.submitted


def counts(session: Session, assignment: Assignment, per_bin: list[tuple] | None = None) -> Counts:
    """How many are enrolled, have submitted, are late; the mean latest score."""
    enrolled = students(assignment)
    enrolled_count = session.scalar(select(func.count()).select_from(enrolled))
    counted = (select(func.count(func.distinct(Submission.user_id)), func.count(Submission.id),
                      func.count(Submission.id).filter(Submission.late_days > 0))
               .join(enrolled, enrolled.c.user_id == Submission.user_id)
               .where(Submission.assignment_id == assignment.id, Submission.status != SubmissionStatus.ERROR))
    submitted, submissions, late = session.execute(counted).one()
    per_bin = per_bin if per_bin is not None else _per_bin(session, assignment)
    graded = sum(n for _, n, _, _ in per_bin)
    total = sum(float(sum_) for _, _, _, sum_ in per_bin)
    late_students = sum(int(k) for _, _, k, _ in per_bin)
    return Counts(enrolled_count, submitted, graded, submissions, late, late_students,
                  total / graded if graded else None)


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    count: int

    @property
    def label(self) -> str:
        return f"{self.low:g}–{self.high:g}"


def _per_bin(session: Session, assignment: Assignment) -> list[tuple]:
    """(bin, students, of them late, sum of final scores) of the grades of record: one GROUP BY
    that both the distribution and the counts read."""
    last = records_of_students(assignment).subquery()
    points = assignment.points or 1.0
    smaller = func.least if session.get_bind().dialect.name == "postgresql" else func.min
    index = cast(smaller(func.floor(last.c.final * BINS / points), BINS - 1), Integer)
    return session.execute(select(index, func.count(), func.count().filter(last.c.late_days > 0),
                                  func.sum(last.c.final)).group_by(index)).all()


def distribution(session: Session, assignment: Assignment, per_bin: list[tuple] | None = None) -> list[Bin]:
    """Latest final scores in ten equal bins of the assignment's points (full marks in the last)."""
    found = {i: n for i, n, _, _ in (per_bin if per_bin is not None else _per_bin(session, assignment))}
    width = (assignment.points or 1.0) / BINS
    return [Bin(round(i * width, 4), round((i + 1) * width, 4), found.get(i, 0)) for i in range(BINS)]


def summary(session: Session, assignment: Assignment) -> tuple[Counts, list[Bin]]:
    """The counts and the distribution, from one pass over the latest results."""
    per_bin = _per_bin(session, assignment)
    return counts(session, assignment, per_bin), distribution(session, assignment, per_bin)


@dataclass(frozen=True)
class Bucket:
    start: datetime           # in the course's time zone
    count: int
    holds_due: bool


def hour_of(session: Session, column):
    """(key, label): the UTC hour of a naive-UTC timestamp column to GROUP BY in either database,
    and that hour as 'YYYY-MM-DD HH' text."""
    if session.get_bind().dialect.name == "postgresql":
        # date_trunc per row is cheap; to_char per row is not, so it only formats the few hundred groups
        hour = func.date_trunc("hour", column)
        return hour, func.to_char(hour, "YYYY-MM-DD HH24")
    hour = func.substr(column, 1, 13)             # SQLite stores 'YYYY-MM-DD HH:MM:SS.ffffff'
    return hour, hour


def timeline(session: Session, assignment: Assignment, tz: str) -> tuple[list[Bucket], str]:
    """Submissions per hour (a span of three days or less) or per day, in the course's time zone.

    SQL counts per UTC hour (a cheap GROUP BY on the stored text, no date parsing per row); the few
    hundred hours are then put in the course's local hours or days, daylight saving included."""
    enrolled = students(assignment)
    hour, label = hour_of(session, Submission.submitted_at)
    per_hour = session.execute(select(label, func.count()).join(enrolled, enrolled.c.user_id == Submission.user_id)
                               .where(Submission.assignment_id == assignment.id,
                                      Submission.status != SubmissionStatus.ERROR).group_by(hour)).all()
    if not per_hour:
        return [], "day"
    zone = ZoneInfo(tz)
    hours = {datetime.strptime(text, "%Y-%m-%d %H").replace(tzinfo=timezone.utc): n for text, n in per_hour}
    unit = "hour" if max(hours) - min(hours) <= timedelta(days=3) else "day"
    found: dict[datetime, int] = {}
    for moment, n in hours.items():
        key = _start(moment, zone, unit)
        found[key] = found.get(key, 0) + n
    due = _start(assignment.due_at, zone, unit)
    low, high = min(min(found), due), max(max(found), due)
    if (high - low) > timedelta(days=400):      # a deadline far from every submission: no year of zeros
        low, high = min(found), max(found)
    buckets, moment = [], low
    while moment <= high:
        buckets.append(Bucket(moment.astimezone(zone), found.get(moment, 0), moment == due))
        moment = _next(moment, zone, unit)
    return buckets, unit


# Buckets are keyed by their start in UTC: local times compare without their fold, so the hour that
# happens twice when summer time ends would otherwise be counted as one.
def _start(moment: datetime, zone: ZoneInfo, unit: str) -> datetime:
    """The UTC start of the local hour or day holding `moment`."""
    local = moment.astimezone(zone).replace(minute=0, second=0, microsecond=0)
    return (local.replace(hour=0, fold=0) if unit == "day" else local).astimezone(timezone.utc)


def _next(start: datetime, zone: ZoneInfo, unit: str) -> datetime:
    if unit == "hour":
        return start + timedelta(hours=1)
    day = start.astimezone(zone).replace(tzinfo=None) + timedelta(days=1)      # local midnight, DST-safe
    return day.replace(tzinfo=zone).astimezone(timezone.utc)
