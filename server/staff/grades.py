"""Grades of an assignment, computed in SQL: each enrolled student's best score and attempts."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Assignment, Enrolment, Result, Role, Submission, SubmissionStatus, User


@dataclass(frozen=True)
class GradeRow:
    name: str
    email: str
    student_number: str
    best: float | None
    attempts: int


def grade_rows(session: Session, assignment: Assignment) -> list[GradeRow]:
    """One row per enrolled student, submitted or not (best of their graded attempts)."""
    best = (select(Submission.user_id, func.max(Result.score).label("best"),
                   func.count(func.distinct(Submission.id)).label("attempts"))
            .join(Result, Submission.result_id == Result.id, isouter=True)
            .where(Submission.assignment_id == assignment.id, Submission.status != SubmissionStatus.ERROR)
            .group_by(Submission.user_id).subquery())
    rows = session.execute(
        select(User.name, User.email, Enrolment.student_number, best.c.best, best.c.attempts)
        .join(Enrolment, Enrolment.user_id == User.id)
        .join(best, best.c.user_id == User.id, isouter=True)
        .where(Enrolment.course_id == assignment.course_id, Enrolment.role == Role.STUDENT)
        .order_by(User.name, User.email)).all()
    return [GradeRow(name or "", email, number or "", score, attempts or 0)
            for name, email, number, score, attempts in rows]


def grades_csv(session: Session, assignment: Assignment) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "student_id", "score", "max_score", "attempts"])
    for row in grade_rows(session, assignment):
        writer.writerow([row.name, row.email, row.student_number, "" if row.best is None else round(row.best, 4),
                         assignment.points, row.attempts])
    return out.getvalue()
