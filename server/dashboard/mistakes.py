"""What the class gets wrong on the latest submissions: GROUP BYs over check_histories (a check's
verdict per student) and over the test rows of record (mistake ids, error figures).

A check fails for a student when its status is failed, error or timeout on their latest
submission (missing and skipped mean the code was not there to judge). Each student counts once
per check, however many cases (public and hidden) that check ran.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import Integer, case, cast, func, select
from sqlalchemy.orm import Session

from ..exercises import mistake_meanings
from ..models import Assignment, CheckHistory, Submission, User
from ..models.histories import LETTER_FAILING
from .latest import functions_of, is_failing, latest_tests, not_students

ERROR_LOW, ERROR_HIGH = -16, 1       # histogram range of log10(relative error); outside goes to the ends


@dataclass(frozen=True)
class CheckRate:
    function: str
    check: str
    students: int             # with this check on their latest submission
    failing: int

    @property
    def share(self) -> float:
        return self.failing / self.students if self.students else 0.0


def students_per(session: Session, rows, columns: list, *where) -> list[tuple]:
    """(*columns, students) over latest test rows: distinct result ids (one result of record per
    student) per group. PostgreSQL hashes DISTINCT in a subquery (count(DISTINCT) would sort, and
    spill to disk at 1,000 students); SQLite, which has no hash aggregate, is faster with count(DISTINCT)."""
    if session.get_bind().dialect.name == "postgresql":
        distinct = select(*columns, rows.c.result_id).where(*where).distinct().subquery()
        keys = [distinct.c[c.key] for c in columns]
        return session.execute(select(*keys, func.count()).group_by(*keys)).all()
    return session.execute(select(*columns, func.count(func.distinct(rows.c.result_id)))
                           .where(*where).group_by(*columns)).all()


def check_rates(session: Session, assignment: Assignment) -> list[CheckRate]:
    """Per function and check: how many students' latest submission fails it."""
    # From check_histories: one row per student and check, its verdict on the latest attempt already
    # folded over the check's cases (public, hidden), so each student counts once without a DISTINCT.
    h = CheckHistory
    found = session.execute(
        select(h.function, h.check, func.count(), func.sum(case((h.latest == LETTER_FAILING, 1), else_=0)))
        .where(h.assignment_id == assignment.id, h.latest != "", h.user_id.not_in(not_students(session, assignment)))
        .group_by(h.function, h.check)).all()
    order = {name: i for i, name in enumerate(functions_of(assignment))}
    rates = [CheckRate(f, c, int(n), int(k or 0)) for f, c, n, k in found]
    return sorted(rates, key=lambda r: (order.get(r.function, len(order)), r.function, r.check))


@dataclass(frozen=True)
class Heatmap:
    functions: list[str]
    checks: list[str]
    cells: dict[tuple[str, str], CheckRate]


def heatmap(rates: list[CheckRate]) -> Heatmap:
    """The check rates as a function x check table (a check a function does not have is empty)."""
    functions = list(dict.fromkeys(r.function for r in rates))
    checks = sorted({r.check for r in rates})
    return Heatmap(functions, checks, {(r.function, r.check): r for r in rates})


@dataclass(frozen=True)
class MistakeCount:
    function: str
    mistake: str
    students: int             # whose latest submission shows this mistake in this function
    failing_function: int     # whose latest submission fails this function at all

    @property
    def share(self) -> float:
        return self.students / self.failing_function if self.failing_function else 0.0

    @property
    def meaning(self) -> str:
        return mistake_meaning(self.mistake)


def mistake_counts(session: Session, assignment: Assignment, limit: int = 30) -> list[MistakeCount]:
    """The most frequent named mistakes, each with the share of that function's failing students.
    Only mistakes of failing rows count: an unfinished function (`not_implemented`, `not_defined`) is
    not a mistake in code, and counting it would put more students above the line than below it."""
    rows = latest_tests(assignment)
    counted = students_per(session, rows, [rows.c.function, rows.c.mistake], rows.c.mistake.is_not(None),
                           is_failing(rows.c.status))
    counted = sorted(counted, key=lambda r: (-r[2], r[0], r[1]))[:limit]      # a few dozen groups at most
    failing_per_function = dict(students_per(session, rows, [rows.c.function], is_failing(rows.c.status)))
    return [MistakeCount(f, m, n, failing_per_function.get(f, 0)) for f, m, n in counted]


def mistake_meaning(mistake: str) -> str:
    """The grader's words for a mistake id ("" for an id this course's exercises do not describe)."""
    return mistake_meanings().get(mistake, "")


@dataclass(frozen=True)
class Affected:
    user: User
    submission_id: int
    attempt: int
    checks: str
    relative_error: float | None
    hint: str | None


def students_with(session: Session, assignment: Assignment, mistake: str, function: str | None,
                  limit: int = 500) -> list[Affected]:
    """Students whose latest submission shows `mistake` (in `function`, if given), with where."""
    rows = latest_tests(assignment)
    where = [rows.c.mistake == mistake, is_failing(rows.c.status)]
    where += [rows.c.function == function] if function else []
    return affected(session, rows, where, limit)


def affected(session: Session, rows, where: list, limit: int = 500) -> list[Affected]:
    """The students whose latest test rows (`rows`, from latest_tests) match `where`: which checks,
    the largest relative error, a hint they saw; by name."""
    found = session.execute(
        select(rows.c.submission_id, func.min(rows.c.function + ": " + rows.c.check).label("where"),
               func.count(func.distinct(rows.c.function + ": " + rows.c.check)).label("checks"),
               func.max(rows.c.relative_error), func.min(rows.c.hint))
        .where(*where).group_by(rows.c.submission_id).order_by(rows.c.submission_id).limit(limit)).all()
    submissions = {s.id: s for s in session.scalars(select(Submission).where(
        Submission.id.in_([r[0] for r in found])))} if found else {}
    users = {u.id: u for u in session.scalars(select(User).where(
        User.id.in_({s.user_id for s in submissions.values()})))} if submissions else {}
    out = []
    for submission_id, first, checks, error, hint in found:
        submission = submissions[submission_id]
        label = first if checks == 1 else f"{first} and {checks - 1} more"
        out.append(Affected(users[submission.user_id], submission_id, submission.attempt, label, error, hint))
    return sorted(out, key=lambda a: (a.user.name or a.user.email).lower())


@dataclass(frozen=True)
class ErrorHistogram:
    function: str
    counts: list[int]          # one per decade from ERROR_LOW to ERROR_HIGH (inclusive of both ends)
    exact: int                 # relative error exactly 0

    @staticmethod
    def decades() -> list[int]:
        return list(range(ERROR_LOW, ERROR_HIGH + 1))


def error_histograms(session: Session, assignment: Assignment) -> list[ErrorHistogram]:
    """Per function, how many latest test rows have log10(relative error) in each decade."""
    rows = latest_tests(assignment)
    exact = -99        # relative error 0: its own bucket (log10 is not taken of it)
    decade = cast(case((rows.c.relative_error == 0, exact), else_=func.floor(func.log10(rows.c.relative_error))),
                  Integer)
    found = session.execute(
        select(rows.c.function, decade, func.count())
        .where(rows.c.relative_error >= 0).group_by(rows.c.function, decade)).all()
    zeros = {function: count for function, power, count in found if power == exact}
    found = [row for row in found if row[1] != exact]
    histograms: dict[str, list[int]] = {}
    for function, power, count in found:
        bins = histograms.setdefault(function, [0] * (ERROR_HIGH - ERROR_LOW + 1))
        bins[min(max(int(power), ERROR_LOW), ERROR_HIGH) - ERROR_LOW] += count
    order = functions_of(assignment)
    names = sorted(set(histograms) | set(zeros), key=lambda f: (order.index(f) if f in order else len(order), f))
    return [ErrorHistogram(f, histograms.get(f, [0] * (ERROR_HIGH - ERROR_LOW + 1)), zeros.get(f, 0))
            for f in names]


def tolerance_decade() -> int:
    """The decade of the grader's gradient tolerance, marked on the histograms."""
    from grader.checks.gradients import GRADIENT_RTOL
    return math.floor(math.log10(GRADIENT_RTOL))
