"""What the student's pages read: their assignments with the grade that counts, their attempts."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import policy
from ..authz import visible_to_students
from ..gradebook import GradeOfRecord, grade_of_record
from ..models import Assignment, Course, Enrolment, Extension, Role, Submission, SubmissionStatus, User, utcnow


@dataclass
class AssignmentRow:
    assignment: Assignment
    due_at: object
    grade: GradeOfRecord | None        # the grade that counts (server.gradebook)
    latest: Submission | None
    attempts: int
    attempts_left: int | None          # None: unlimited
    window: policy.Window


def latest_submissions(session: Session, user_id: int, assignment_ids: list[int]) -> dict[int, Submission]:
    newest = (select(func.max(Submission.id)).where(Submission.user_id == user_id,
                                                    Submission.assignment_id.in_(assignment_ids))
              .group_by(Submission.assignment_id))
    rows = session.scalars(select(Submission).where(Submission.id.in_(newest)))
    return {row.assignment_id: row for row in rows}


def attempt_counts(session: Session, user_id: int, assignment_ids: list[int]) -> dict[int, int]:
    rows = session.execute(select(Submission.assignment_id, func.count()).where(
        Submission.user_id == user_id, Submission.assignment_id.in_(assignment_ids),
        Submission.status != SubmissionStatus.ERROR).group_by(Submission.assignment_id)).all()
    return dict(rows)


def my_assignments(session: Session, user: User, course: Course, role: Role) -> list[AssignmentRow]:
    assignments = [a for a in course.assignments if role.is_staff or visible_to_students(a)]
    ids = [a.id for a in assignments]
    if not ids:
        return []
    latest, counts = latest_submissions(session, user.id, ids), attempt_counts(session, user.id, ids)
    extensions = {e.assignment_id: e for e in session.scalars(
        select(Extension).where(Extension.user_id == user.id, Extension.assignment_id.in_(ids)))}
    now = utcnow()
    return [AssignmentRow(a, policy.effective_due(a, extensions.get(a.id)), grade_of_record(session, a, user.id),
                          latest.get(a.id), counts.get(a.id, 0),
                          policy.attempts_left(session, a, user.id, now, course.timezone),
                          policy.window(a, extensions.get(a.id), now, course.timezone))
            for a in assignments]


def students_submitted(session: Session, course_id: int) -> dict[int, int]:
    """Per assignment of the course, how many enrolled students submitted something that counts
    (staff "Try it" submissions and our failures left out, as on the dashboard)."""
    return dict(session.execute(
        select(Submission.assignment_id, func.count(func.distinct(Submission.user_id)))
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .join(Enrolment, (Enrolment.course_id == Assignment.course_id) & (Enrolment.user_id == Submission.user_id))
        .where(Assignment.course_id == course_id, Enrolment.role == Role.STUDENT,
               Submission.status != SubmissionStatus.ERROR)
        .group_by(Submission.assignment_id)).all())


def history(session: Session, user_id: int, assignment_id: int) -> list[Submission]:
    return list(session.scalars(select(Submission).where(Submission.user_id == user_id,
                                                         Submission.assignment_id == assignment_id)
                                .order_by(Submission.id.desc())))
