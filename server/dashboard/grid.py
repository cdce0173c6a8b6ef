"""The students x functions grid of grades of record: sorted, filtered and paginated in SQL."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from .. import gradebook
from ..bounds import page_number
from ..models import Assignment, Enrolment, Result, Role, Submission, SubmissionStatus, TestRow, User
from .latest import failing, functions_of, is_failing

PER_PAGE = 50
SHOW = ("all", "submitted", "not-submitted", "late", "below-full")


@dataclass(frozen=True)
class GridQuery:
    """What the grid's links and form ask for (all optional, all validated)."""
    page: int = 1
    sort: str = "name"          # name, final, attempt, late, or a function's name
    descending: bool = False
    search: str = ""
    show: str = "all"
    fails: str = ""             # only students whose latest fails this function

    @classmethod
    def from_args(cls, args, functions: list[str]) -> "GridQuery":
        sort = args.get("sort", "name")
        fails = args.get("fails", "")
        return cls(page=page_number(args),
                   sort=sort if sort in ("name", "final", "attempt", "late", *functions) else "name",
                   descending=args.get("dir") == "desc", search=args.get("q", "").strip()[:100],
                   show=args.get("show") if args.get("show") in SHOW else "all",
                   fails=fails if fails in functions else "")


@dataclass
class Cell:
    score: float
    max_score: float
    failed: int

    @property
    def state(self) -> str:
        if self.max_score and self.score >= self.max_score - 1e-9:
            return "full"
        return "zero" if self.score <= 1e-9 else "partial"


@dataclass
class GridRow:
    user_id: int
    name: str
    email: str
    student_number: str
    submission_id: int | None
    final: float | None
    attempt: int | None
    late_days: int | None
    cells: dict[str, Cell] = field(default_factory=dict)


@dataclass
class Grid:
    functions: list[str]
    rows: list[GridRow]
    total: int
    query: GridQuery

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PER_PAGE))


def grid(session: Session, assignment: Assignment, query: GridQuery) -> Grid:
    """One page of the grid; the per-function cells are summed only for that page's students."""
    functions = functions_of(assignment)
    record = gradebook.records(assignment)
    last = record.c
    base = (select(User.id, User.name, User.email, Enrolment.student_number, last.submission_id, last.final,
                   last.attempt, last.late_days, last.result_id)
            .select_from(Enrolment).join(User, User.id == Enrolment.user_id)
            .outerjoin(record, last.user_id == User.id)
            .where(Enrolment.course_id == assignment.course_id, Enrolment.role == Role.STUDENT))
    base = _filtered(base, assignment, last, query)
    total = session.scalar(select(func.count()).select_from(base.subquery()))
    ordered = base.order_by(*_order(last, query), User.email)
    page = session.execute(ordered.limit(PER_PAGE).offset((query.page - 1) * PER_PAGE)).all()
    rows = [GridRow(r.id, r.name or r.email, r.email, r.student_number or "", r.submission_id,
                    gradebook.rounded(r.final), r.attempt, r.late_days) for r in page]
    by_result = {r.result_id: row for r, row in zip(page, rows) if r.result_id is not None}
    if by_result:
        # One scale: a function's grader points shown on the assignment's points.
        scale = assignment.points / Result.raw_max
        sums = session.execute(
            select(TestRow.result_id, TestRow.function, func.sum(TestRow.score * scale),
                   func.sum(TestRow.max_score * scale), func.sum(failing(TestRow.status)))
            .join(Result, Result.id == TestRow.result_id)
            .where(TestRow.result_id.in_(list(by_result)), Result.raw_max > 0)
            .group_by(TestRow.result_id, TestRow.function))
        for result_id, function, score, max_score, failed in sums:
            by_result[result_id].cells[function] = Cell(float(score), float(max_score), int(failed))
    return Grid(functions, rows, total, query)


def _filtered(base, assignment: Assignment, last, query: GridQuery):
    if query.search:
        pattern = f"%{query.search.lower()}%"
        base = base.where(or_(func.lower(User.name).like(pattern), func.lower(User.email).like(pattern),
                              func.lower(func.coalesce(Enrolment.student_number, "")).like(pattern)))
    if query.show == "submitted":
        base = base.where(last.submission_id.is_not(None))
    elif query.show == "not-submitted":
        counted = (select(Submission.id).where(Submission.assignment_id == assignment.id,
                                               Submission.user_id == User.id,
                                               Submission.status != SubmissionStatus.ERROR))
        base = base.where(~exists(counted))
    elif query.show == "late":
        base = base.where(last.late_days > 0)
    elif query.show == "below-full":
        base = base.where(last.final < assignment.points - 1e-9)
    if query.fails:
        base = base.where(exists(select(TestRow.id).where(
            TestRow.result_id == last.result_id, TestRow.function == query.fails, is_failing(TestRow.status))))
    return base


def _order(last, query: GridQuery) -> list:
    if query.sort == "name":
        key = func.lower(func.coalesce(func.nullif(User.name, ""), User.email))
    elif query.sort in ("final", "attempt", "late"):
        key = {"final": last.final, "attempt": last.attempt, "late": last.late_days}[query.sort]
    else:
        key = (select(func.sum(TestRow.score)).where(and_(TestRow.result_id == last.result_id,
                                                          TestRow.function == query.sort))
               .scalar_subquery())
    # Students without a grade sort last either way, so the interesting rows come first.
    return [key.is_(None), key.desc() if query.descending else key.asc()]
