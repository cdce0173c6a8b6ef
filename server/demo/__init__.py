"""`grade admin demo`: a course full of made-up students whose code is graded for real.

The class comes from server.demo.cohort (who submits what, when) and server.demo.material (the
code: correct bases with known mistakes swapped in). Each attempt goes through the same door as a
student's upload: `uploads.accept`, then `submitting.submit` with the attempt's moment as `now`
(so the deadline, late penalty and limit rules apply as they would have), which commits the row.
Only then are the ids handed to the grading queue, where `grade worker` (or `grade serve`) grades
them like any other submission.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import Session

from .. import accounts, uploads
from ..models import Assignment, Course, Enrolment, LimitPeriod, Role, Submission, User, utcnow
from ..passwords import hash_password
from ..submitting import SubmitRefused, submit
from .cohort import ClassPlan, plan_class

__all__ = ["DemoExists", "Demo", "create_demo", "plan_class"]


class DemoExists(Exception):
    """The course code is taken; nothing was changed."""


@dataclass
class Demo:
    course_id: int
    code: str
    instructor_email: str
    password: str                                   # every demo account's
    assignment_ids: dict[str, int]                  # slug -> id
    submission_ids: list[int] = field(default_factory=list)
    students: int = 0
    staff: int = 0
    refused: int = 0                                # attempts the rules turned down (none, normally)


class _Collect:
    """Stands in for the queue while the rows are written: the real enqueue comes after every row
    is committed with the time it really entered the queue (its submitted_at is in the past)."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def enqueue(self, submission_id: int) -> bool:
        self.ids.append(submission_id)
        return True


def create_demo(session: Session, queue, *, code: str, students: int, max_attempts: int, seed: int,
                replace: bool = False, max_bytes: int = 2 * 1024 * 1024, now: datetime | None = None,
                progress=None) -> Demo:
    """Write the demo class and queue its submissions for grading. DemoExists if `code` is taken
    and `replace` is false; with `replace`, that course and its demo accounts are deleted first."""
    now = now or utcnow()
    plan = plan_class(code=code, students=students, max_attempts=max_attempts, seed=seed, now=now)
    existing = session.scalar(select(Course).where(Course.code == code))
    if existing is not None:
        if not replace:
            count = session.scalar(select(func.count()).select_from(Submission).join(Assignment)
                                   .where(Assignment.course_id == existing.id))
            raise DemoExists(f"a course {code!r} exists already ({count} submissions). Run `grade admin demo "
                             f"--replace` to delete it and make a new demo, or choose another --course.")
        delete_course(session, existing, plan.domain)
    password = secrets.token_urlsafe(12)
    demo = _write_class(session, plan, hash_password(password), password)
    collected = _Collect()
    users = {user.email: user for user in session.scalars(select(User).where(User.email.endswith("@" + plan.domain)))}
    assignments = {slug: session.get(Assignment, id_) for slug, id_ in demo.assignment_ids.items()}
    for number, attempt in enumerate(plan.attempts, start=1):
        upload = uploads.accept(attempt.filename, attempt.content, max_bytes)
        try:
            submit(session, collected, users[attempt.email], assignments[attempt.slug], upload, via=attempt.via,
                   now=attempt.at)
        except SubmitRefused:
            demo.refused += 1
        if progress and number % 100 == 0:
            progress(number, len(plan.attempts))
    # They enter the queue now, whatever moment they were submitted at: the reaper counts from this.
    session.execute(update(Submission).where(Submission.id.in_(collected.ids)).values(enqueued_at=utcnow())
                    .execution_options(synchronize_session=False))
    session.commit()
    for submission_id in collected.ids:
        queue.enqueue(submission_id)
    demo.submission_ids = collected.ids
    return demo


def _write_class(session: Session, plan: ClassPlan, password_hash: str, password: str) -> Demo:
    course = Course(code=plan.code, title=plan.title, timezone=plan.timezone)
    session.add(course)
    session.flush()
    for person in plan.people:
        user, created = accounts.ensure_user(session, person.email, person.name)
        if created:
            user.password_hash = password_hash        # one hash for all: argon2 takes ~0.1 s a person
        accounts.enrol(session, course, user, Role(person.role), person.student_number)
    ids = {}
    for item in plan.assignments:
        row = Assignment(course_id=course.id, slug=item.slug, title=item.title, exercise=item.exercise,
                         points=item.points, opens_at=item.opens_at, due_at=item.due_at,
                         late_penalty_percent=item.late_penalty, late_days_allowed=item.late_days,
                         submission_limit=item.limit, limit_period=LimitPeriod.TOTAL, published=True)
        session.add(row)
        session.flush()
        ids[item.slug] = row.id
    session.commit()
    return Demo(course.id, plan.code, plan.instructor.email, password, ids,
                students=sum(p.role == "student" for p in plan.people),
                staff=sum(p.role != "student" for p in plan.people))


def delete_course(session: Session, course: Course, domain: str) -> None:
    """The course with everything in it (the database cascades), and the demo's accounts that
    belong to no other course."""
    course_id = course.id
    session.expunge_all()
    session.execute(delete(Course).where(Course.id == course_id))
    others = exists().where(Enrolment.user_id == User.id)
    session.execute(delete(User).where(User.email.endswith("@" + domain), ~others, User.is_admin.is_(False))
                    .execution_options(synchronize_session=False))
    session.commit()
