"""Grades out of the site: a CSV in the column layout Canvas imports, a plain CSV, the full JSON.

The grade of a student is their grade of record (server.gradebook: the assignment's policy, late
penalty and adjustments included, rounded as everywhere); a student who has not submitted has an
empty grade, which Canvas leaves unchanged on import.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import gradebook
from ..models import Assignment, Enrolment, Role, Submission, TestRow, User
from ..models.submissions import split_gradients

FORMATS = {"canvas": ("text/csv", "canvas.csv"), "csv": ("text/csv", "grades.csv"),
           "json": ("application/json", "results.json")}


@dataclass
class GradeLine:
    name: str
    email: str
    student_id: str
    submission_id: int | None
    attempt: int | None
    submitted_at: str | None
    late_days: int | None
    automatic: float | None
    adjustment: float | None
    final: float | None


def grade_lines(session: Session, assignment: Assignment) -> list[GradeLine]:
    """Every enrolled student, in name order, with their grade of record (None: not graded yet)."""
    record = gradebook.records(assignment)
    rows = session.execute(
        select(User.name, User.email, Enrolment.student_number, record.c.submission_id, record.c.attempt,
               Submission.submitted_at, record.c.late_days, record.c.automatic, record.c.adjustment, record.c.final)
        .select_from(Enrolment).join(User, User.id == Enrolment.user_id)
        .outerjoin(record, record.c.user_id == User.id)
        .outerjoin(Submission, Submission.id == record.c.submission_id)
        .where(Enrolment.course_id == assignment.course_id, Enrolment.role == Role.STUDENT)
        .order_by(User.name, User.email)).all()
    return [GradeLine(name or "", email, number or "", sid, attempt, _iso(at), late,
                      gradebook.rounded(auto), adjustment, gradebook.rounded(final))
            for name, email, number, sid, attempt, at, late, auto, adjustment, final in rows]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _blank(value) -> str:
    return "" if value is None else gradebook.show(value) if isinstance(value, float) else str(value)


def canvas_csv(session: Session, assignment: Assignment) -> str:
    """Canvas's gradebook layout: Student, ID, SIS User ID, SIS Login ID, Section, then the assignment
    column and a "Points Possible" row. Canvas matches rows by SIS User ID (the roster's student id)
    or SIS Login ID (the email); its own numeric ID is left empty."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment.title])
    writer.writerow(["Points Possible", "", "", "", "", _blank(float(assignment.points))])
    for line in grade_lines(session, assignment):
        writer.writerow([line.name, "", line.student_id, line.email, "", _blank(line.final)])
    return out.getvalue()


def plain_csv(session: Session, assignment: Assignment) -> str:
    """One row per student with the automatic score, the adjustment and the final grade."""
    out = io.StringIO()
    writer = csv.writer(out)
    fields = list(GradeLine.__dataclass_fields__)
    writer.writerow(fields + ["max_score"])
    for line in grade_lines(session, assignment):
        writer.writerow([_blank(value) for value in asdict(line).values()] + [_blank(float(assignment.points))])
    return out.getvalue()


def full_json(session: Session, assignment: Assignment) -> str:
    """Every student's grade and the test rows of their latest result, as one JSON document."""
    lines = grade_lines(session, assignment)
    last = gradebook.records(assignment)
    tests: dict[int, list[dict]] = {}
    columns = ("function", "check", "visibility", "status", "score", "max_score", "mistake", "relative_error",
               "scale", "cosine", "wrong_gradients")
    for submission_id, *values in session.execute(
            select(last.c.submission_id, *(getattr(TestRow, c) for c in columns))
            .join(TestRow, TestRow.result_id == last.c.result_id)
            .order_by(last.c.submission_id, TestRow.position)):
        test = dict(zip(columns, values))
        test["wrong_gradients"] = split_gradients(test["wrong_gradients"])
        tests.setdefault(submission_id, []).append(test)
    course = assignment.course
    document = {"course": {"code": course.code, "title": course.title},
                "assignment": {"slug": assignment.slug, "title": assignment.title, "exercise": assignment.exercise,
                               "points": assignment.points, "due_at": assignment.due_at.isoformat(),
                               "grade_policy": gradebook.policy_of(assignment)},
                "students": [{**asdict(line), "tests": tests.get(line.submission_id, [])} for line in lines]}
    return json.dumps(document, indent=1)


def export(session: Session, assignment: Assignment, kind: str) -> str:
    """The export of `kind` (canvas, csv, json) as text."""
    return {"canvas": canvas_csv, "csv": plain_csv, "json": full_json}[kind](session, assignment)


def export_assignment(course, slug: str, kind: str) -> str:
    """`grade admin export`: the export of the course's assignment `slug`, or a clear error."""
    import click
    from ..extensions import db
    assignment = db.session.scalar(select(Assignment).where(Assignment.course_id == course.id,
                                                            Assignment.slug == slug))
    if assignment is None:
        slugs = ", ".join(a.slug for a in course.assignments) or "none yet"
        raise click.ClickException(f"{course.code} has no assignment {slug!r} (its assignments: {slugs})")
    return export(db.session, assignment, kind)
