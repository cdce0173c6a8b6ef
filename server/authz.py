"""Authorization in one place: every view asks here whether the current user may see a thing.

What a user may not see does not exist for them: a student who guesses another's submission id
gets 404, exactly as for an id that was never used.
"""
from __future__ import annotations

from flask import abort
from sqlalchemy import select

from .extensions import db
from .models import Assignment, Course, Enrolment, Role, Submission, User, utcnow


def role_in(user: User, course_id: int) -> Role | None:
    """The user's role in the course; a site admin acts as its instructor."""
    if not user.is_authenticated:
        return None
    role = db.session.scalar(select(Enrolment.role).where(Enrolment.course_id == course_id,
                                                          Enrolment.user_id == user.id))
    if role is None and user.is_admin:
        return Role.INSTRUCTOR
    return role


def is_staff(user: User, course_id: int) -> bool:
    role = role_in(user, course_id)
    return role is not None and role.is_staff


def course_for(user: User, course_id: int, *, staff: bool = False, instructor: bool = False) -> Course:
    """The course if the user belongs to it (as staff / instructor when asked), else 404."""
    course = db.session.get(Course, course_id)
    role = role_in(user, course_id) if course else None
    if role is None or (staff and not role.is_staff) or (instructor and role is not Role.INSTRUCTOR):
        abort(404, f"There is no course {course_id} that you can see.")
    return course


def assignment_for(user: User, assignment_id: int, *, staff: bool = False) -> Assignment:
    """An assignment the user may see: staff see all of their courses'; students the published ones."""
    assignment = db.session.get(Assignment, assignment_id)
    role = role_in(user, assignment.course_id) if assignment else None
    visible = role is not None and (role.is_staff or (not staff and visible_to_students(assignment)))
    if not visible:
        abort(404, f"There is no assignment {assignment_id} that you can see.")
    return assignment


def visible_to_students(assignment: Assignment) -> bool:
    return assignment.published and (assignment.opens_at is None or assignment.opens_at <= utcnow())


def submission_for(user: User, submission_id: int, *, staff: bool = False) -> Submission:
    """A submission the user may read: their own, or any in a course they teach."""
    submission = db.session.get(Submission, submission_id)
    allowed = False
    if submission is not None and user.is_authenticated:
        own = submission.user_id == user.id and not staff
        allowed = own or is_staff(user, submission.assignment.course_id)
    if not allowed:
        abort(404, f"There is no submission {submission_id} that you can see.")
    return submission


def require_admin(user: User) -> None:
    if not (user.is_authenticated and user.is_admin):
        abort(404)


def courses_of(user: User) -> list[tuple[Course, Role]]:
    """The user's courses with their role (every course, as instructor, for a site admin)."""
    rows = db.session.execute(select(Course, Enrolment.role).join(Enrolment)
                              .where(Enrolment.user_id == user.id).order_by(Course.title)).all()
    mine = [(course, role) for course, role in rows]
    if user.is_admin:
        seen = {course.id for course, _ in mine}
        mine += [(c, Role.INSTRUCTOR) for c in db.session.scalars(select(Course).order_by(Course.title))
                 if c.id not in seen]
    return mine
