"""Helpers the server tests import: people and assignments to seed, the queue to drain, uploads."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from server.extensions import db
from server.models import Assignment, Course, Enrolment, LimitPeriod, Role, User
from server.passwords import hash_password

PASSWORD = "correct horse battery"
REFERENCE = Path(__file__).resolve().parents[2] / "reference"


@dataclass
class World:
    """A course with one of each role, and an open assignment."""
    course_id: int
    assignment_id: int
    emails: dict


def utc(**delta) -> datetime:
    return datetime.now(timezone.utc) + timedelta(**delta)


def make_user(email: str, role: Role | None = None, course: Course | None = None, admin: bool = False,
              name: str = "") -> User:
    user = User(email=email, name=name or email.split("@")[0].title(), password_hash=hash_password(PASSWORD),
                is_admin=admin)
    db.session.add(user)
    db.session.flush()
    if role is not None:
        db.session.add(Enrolment(course_id=course.id, user_id=user.id, role=role))
    return user


def make_assignment(course: Course, slug: str = "gates", exercise: str = "gates", **fields) -> Assignment:
    values = dict(title=slug.title(), points=10.0, due_at=utc(days=7), published=True,
                  limit_period=LimitPeriod.TOTAL)
    values.update(fields)
    assignment = Assignment(course_id=course.id, slug=slug, exercise=exercise, **values)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def drain(app, limit: int = 100) -> int:
    """Run every task waiting in the app's queue, as a worker would; how many ran."""
    huey = app.extensions["grading_queue"].huey
    ran = 0
    while ran < limit:
        task = huey.dequeue()
        if task is None:
            return ran
        huey.execute(task)
        ran += 1
    return ran


def upload(client, assignment_id: int, filename: str, content: bytes):
    return client.post(f"/assignments/{assignment_id}/submit",
                       data={"file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")
