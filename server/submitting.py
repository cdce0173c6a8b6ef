"""Taking a submission: the rules, then the row committed, then its id enqueued (in that order)."""
from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import policy, precheck
from .authz import role_in
from .models import Assignment, Enrolment, Extension, Submission, SubmissionStatus, User, utcnow
from .uploads import Upload


class SubmitRefused(Exception):
    """The submission is not accepted now; the message says why. Nothing was stored.

    `reason` is a stable name for clients (`grade submit` exits with its own status for
    no_attempts_left): closed, not_enrolled, no_attempts_left, ungradable, conflict."""

    def __init__(self, message: str, status: int = 403, reason: str = "closed"):
        super().__init__(message)
        self.status = status
        self.reason = reason


def extension_of(session: Session, assignment: Assignment, user_id: int) -> Extension | None:
    return session.scalar(select(Extension).where(Extension.assignment_id == assignment.id,
                                                  Extension.user_id == user_id))


def submit(session: Session, queue, user: User, assignment: Assignment, upload: Upload, *, via: str = "web",
           now: datetime | None = None) -> Submission:
    """Store the upload as the user's next attempt and queue it. Staff may always submit (to try an
    assignment before it opens); students within the window and the limit."""
    now = now or utcnow()
    tz = assignment.course.timezone
    role = role_in(user, assignment.course_id)
    if role is None:
        raise SubmitRefused("You are not enrolled in this course.", 404, "not_enrolled")
    window = policy.window(assignment, extension_of(session, assignment, user.id), now, tz)
    if not role.is_staff and not window.accepted:
        raise SubmitRefused(window.reason)
    if not role.is_staff and policy.attempts_left(session, assignment, user.id, now, tz) == 0:
        raise SubmitRefused(limit_reached(assignment, tz, now), 403, "no_attempts_left")
    if assignment.precheck_uploads:
        found = precheck.problem(upload, assignment)
        if found:
            raise SubmitRefused(found, 422, "ungradable")
    for _ in range(3):      # two uploads at once may race for the same attempt number
        hold_attempts_lock(session, assignment.course_id, user.id)
        if not role.is_staff and policy.attempts_left(session, assignment, user.id, now, tz) == 0:
            session.rollback()
            raise SubmitRefused(limit_reached(assignment, tz, now), 403, "no_attempts_left")
        attempt = 1 + (session.scalar(select(func.max(Submission.attempt)).where(
            Submission.assignment_id == assignment.id, Submission.user_id == user.id)) or 0)
        row = Submission(assignment_id=assignment.id, user_id=user.id, attempt=attempt, filename=upload.filename,
                         content=upload.content, sha256=hashlib.sha256(upload.content).hexdigest(),
                         size=len(upload.content), submitted_at=now, via=via,
                         late_days=0 if role.is_staff else window.late_days,
                         penalty_percent=0.0 if role.is_staff else window.penalty_percent,
                         status=SubmissionStatus.QUEUED, enqueued_at=now)
        session.add(row)
        try:
            session.commit()
            break
        except IntegrityError:
            session.rollback()
    else:
        raise SubmitRefused("Your submission could not be stored because another one arrived at the same "
                            "moment. Submit again.", 409, "conflict")
    queue.enqueue(row.id)    # after the commit: a failed enqueue leaves the row queued for the reaper
    return row


def hold_attempts_lock(session: Session, course_id: int, user_id: int) -> None:
    """Until this transaction ends, no other upload of this student's can count or add attempts, so
    two uploads in the same instant cannot both pass the limit.

    PostgreSQL: the enrolment row's lock (SELECT ... FOR UPDATE). SQLite ignores FOR UPDATE, and the
    driver runs reads outside any transaction until the first write, so two uploads could both count
    the same attempts and then both insert. There, a no-op UPDATE of the enrolment row is that first
    write: it takes the database's one write lock before anything is counted (the other upload waits
    for it, up to the connection's busy timeout) and the counts read after it are current."""
    mine = (Enrolment.course_id == course_id, Enrolment.user_id == user_id)
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(Enrolment).where(*mine).values(id=Enrolment.id)
                        .execution_options(synchronize_session=False))
    else:
        session.execute(select(Enrolment.id).where(*mine).with_for_update())


def limit_reached(assignment: Assignment, tz: str, now: datetime) -> str:
    text = f"You have used all your submissions for this assignment ({policy.limit_text(assignment)})."
    if assignment.limit_period is policy.LimitPeriod.DAY:
        text += f" You can submit again from {policy.show(policy.day_start(now, tz) + policy.DAY, tz)}."
    return text + " Submissions that failed on our side do not count."
