"""Assignment and Grade Services: the grade of record goes to the LMS whenever it changes.

The promise is the grading queue's: the `LtiPassback` row is the truth (what the LMS should show,
what it was last sent), the queue carries only its id. A change marks the row pending (after the
change's commit, from the gradebook's listener, never waiting on the LMS); a sender claims it with
one atomic UPDATE and a fresh token, reads the grade of record *then* (so a late or repeated
delivery sends the newest grade, never an old one), and only the token's holder records the
outcome. A failure is retried with a growing delay, forever: nothing is lost while the LMS is down.
A change during a send resets the row to pending, so the newer grade is sent after it.

A line item is made once per LMS course and assignment: looked up by our resourceId first (the LMS
may have made it from a deep link), created only if missing, and remembered; a placeholder row
makes two senders never create it twice.
"""
from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import Assignment, utcnow
from ..models.lti import LtiContext, LtiLineItem, LtiPassback, LtiUser, PassbackState
from .gradebook import grade_of_record
from .tool import connector

log = logging.getLogger(__name__)
PENDING, SENDING, SENT, FAILED = (PassbackState.PENDING, PassbackState.SENDING, PassbackState.SENT,
                                  PassbackState.FAILED)
MAX_DELAY_SECONDS = 3600


class PassbackError(Exception):
    """Why a grade could not be sent now (it will be retried)."""


def resource_id(assignment: Assignment) -> str:
    """Our id for the assignment in every LMS gradebook: how its line item is found again."""
    return f"backprop-grader-assignment-{assignment.id}"


def mark_changed(session: Session, assignment_id: int, user_ids) -> list[int]:
    """Rows to send for these students' grades of the assignment, in every LMS course linked to its
    course where the student came from that LMS and grades may be posted. Commits; the row ids."""
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        return []
    contexts = list(session.scalars(select(LtiContext).where(LtiContext.course_id == assignment.course_id,
                                                             LtiContext.lineitems_url.is_not(None))))
    ids = []
    now = utcnow()
    for context in contexts:
        linked = set(session.scalars(select(LtiUser.user_id).where(LtiUser.platform_id == context.platform_id,
                                                                   LtiUser.user_id.in_(list(user_ids)))))
        for user_id in linked:
            row = session.scalar(select(LtiPassback).where(LtiPassback.context_id == context.id,
                                                           LtiPassback.assignment_id == assignment_id,
                                                           LtiPassback.user_id == user_id))
            if row is None:
                row = LtiPassback(context_id=context.id, assignment_id=assignment_id, user_id=user_id)
                session.add(row)
            row.state, row.token, row.lease_until = PENDING, None, None
            row.tries, row.next_try_at, row.changed_at = 0, now, now
            session.flush()
            ids.append(row.id)
    try:
        session.commit()
    except IntegrityError:      # the same row made at the same moment by another process: it is pending
        session.rollback()
        return mark_changed(session, assignment_id, user_ids)
    return ids


def claim(session: Session, passback_id: int, lease_seconds: float, now: datetime | None = None) -> str | None:
    """Take the row for sending: pending, failed and due, or sending under an expired lease."""
    now = now or utcnow()
    token = secrets.token_hex(16)
    due = or_(LtiPassback.next_try_at.is_(None), LtiPassback.next_try_at <= now)
    claimable = or_(and_(LtiPassback.state.in_([PENDING, FAILED]), due),
                    and_(LtiPassback.state == SENDING, LtiPassback.lease_until < now))
    taken = session.execute(update(LtiPassback).where(LtiPassback.id == passback_id, claimable)
                            .values(state=SENDING, token=token, lease_until=now + timedelta(seconds=lease_seconds))
                            .execution_options(synchronize_session=False)).rowcount
    session.commit()
    return token if taken == 1 else None


def process(session: Session, passback_id: int, *, instance_path: str, lease_seconds: float) -> tuple[str, float | None]:
    """Send one row's grade: ('sent' | 'not claimable' | 'superseded' | 'failed', retry delay or None)."""
    token = claim(session, passback_id, lease_seconds)
    if token is None:
        return "not claimable", None
    row = session.get(LtiPassback, passback_id)
    held = (LtiPassback.id == passback_id, LtiPassback.token == token)
    try:
        score, maximum = send(session, row, instance_path)
    except Exception as error:  # noqa: BLE001 - the LMS down, refusing, answering nonsense: retried
        session.rollback()
        tries = row.tries + 1
        delay = min(30 * 2 ** (tries - 1), MAX_DELAY_SECONDS)
        log.warning("grade passback %s failed (try %s, next in %ss): %s", passback_id, tries, delay, error)
        session.execute(update(LtiPassback).where(*held)
                        .values(state=FAILED, tries=tries, next_try_at=utcnow() + timedelta(seconds=delay),
                                last_error=describe(error)[:2000], token=None, lease_until=None)
                        .execution_options(synchronize_session=False))
        session.commit()
        return "failed", delay
    done = session.execute(update(LtiPassback).where(*held)
                           .values(state=SENT, score_sent=score, max_sent=maximum, sent_at=utcnow(), tries=0,
                                   last_error=None, token=None, lease_until=None, next_try_at=None)
                           .execution_options(synchronize_session=False)).rowcount
    session.commit()
    return ("sent" if done else "superseded"), None


def describe(error: Exception) -> str:
    """An error as staff read it on the status page: the LMS's answer when it gave one."""
    response = getattr(error, "response", None)
    if response is not None:
        return f"{error} (HTTP {response.status_code}: {response.text[:300]})"
    return f"{type(error).__name__}: {error}" if not isinstance(error, PassbackError) else str(error)


def send(session: Session, row: LtiPassback, instance_path: str) -> tuple[float | None, float | None]:
    """Post the grade of record to the row's LMS line item; (score, maximum) sent, None if no grade yet."""
    context, assignment = row.context, row.assignment
    grade = grade_of_record(session, assignment, row.user_id)
    if grade is None:
        return None, None        # nothing graded yet: nothing to show in the LMS
    subject = session.scalar(select(LtiUser.subject).where(LtiUser.platform_id == context.platform_id,
                                                           LtiUser.user_id == row.user_id))
    if subject is None or not context.ags_scopes:
        raise PassbackError("The LMS did not grant grade passback for this course (its launches carry no "
                            "grade service); check the tool's services in the LMS.")
    service = ags_service(context, instance_path)
    url = line_item_url(session, context, assignment, service)
    score = (Grade().set_score_given(grade.score).set_score_maximum(grade.max_score).set_user_id(subject)
             .set_timestamp(utcnow().isoformat(timespec="milliseconds"))
             .set_activity_progress("Completed").set_grading_progress("FullyGraded"))
    service.put_grade(score, LineItem({"id": url}))
    return grade.score, grade.max_score


def ags_service(context: LtiContext, instance_path: str) -> AssignmentsGradesService:
    return AssignmentsGradesService(connector(context.platform, instance_path),
                                    {"scope": list(context.ags_scopes), "lineitems": context.lineitems_url})


def line_item_url(session: Session, context: LtiContext, assignment: Assignment,
                  service: AssignmentsGradesService) -> str:
    """The assignment's line item in this LMS course: remembered, found by resourceId, or created."""
    known = session.scalar(select(LtiLineItem).where(LtiLineItem.context_id == context.id,
                                                     LtiLineItem.assignment_id == assignment.id))
    if known is not None:
        if not known.url:
            raise PassbackError("Another sender is creating this assignment's LMS column; retrying.")
        return known.url
    placeholder = LtiLineItem(context_id=context.id, assignment_id=assignment.id, url="")
    session.add(placeholder)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise PassbackError("Another sender is creating this assignment's LMS column; retrying.") from None
    try:
        item = service.find_lineitem_by_resource_id(resource_id(assignment))
        if item is None:
            item = service.create_lineitem(
                LineItem().set_label(assignment.title).set_score_maximum(float(assignment.points))
                .set_resource_id(resource_id(assignment)).set_tag("backprop-grader"))
        placeholder.url = item.get_id()
        session.commit()
        return placeholder.url
    except Exception:
        session.rollback()
        session.execute(delete(LtiLineItem).where(LtiLineItem.id == placeholder.id))
        session.commit()
        raise


def due(session: Session, *, now: datetime | None = None, lost_after_seconds: float = 30, limit: int = 500) -> list[int]:
    """Rows a sweep should enqueue: failed ones whose retry is due, pending ones whose message seems
    lost, sending ones whose sender died (lease expired)."""
    now = now or utcnow()
    rows = select(LtiPassback.id).where(or_(
        and_(LtiPassback.state == FAILED, LtiPassback.next_try_at <= now),
        and_(LtiPassback.state == PENDING, LtiPassback.changed_at < now - timedelta(seconds=lost_after_seconds)),
        and_(LtiPassback.state == SENDING, LtiPassback.lease_until < now))).order_by(LtiPassback.id).limit(limit)
    return list(session.scalars(rows))


def retry_now(session: Session, course_id: int) -> list[int]:
    """Staff's "send again now": every failed row of the course is due at once. Commits; the ids."""
    ids = list(session.scalars(select(LtiPassback.id).join(LtiContext, LtiContext.id == LtiPassback.context_id)
                               .where(LtiContext.course_id == course_id, LtiPassback.state == FAILED)))
    if ids:
        session.execute(update(LtiPassback).where(LtiPassback.id.in_(ids)).values(next_try_at=utcnow())
                        .execution_options(synchronize_session=False))
    session.commit()
    return ids
