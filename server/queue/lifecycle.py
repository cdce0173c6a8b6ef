"""The promise: every submission is graded exactly once, and none is lost.

The submission row is the truth; the queue only carries its id. A worker claims a row with one
atomic UPDATE and a fresh attempt token; only the holder of the current token may write a result,
in the same transaction that marks the row graded. A SIGKILLed worker never reports anything, so
its lease expires and the reaper hands the row to another worker.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from .. import check_history, gradebook
from ..models import Assignment, Submission, SubmissionStatus, utcnow
from .grading import Graded

QUEUED, RUNNING, GRADED, ERROR = (SubmissionStatus.QUEUED, SubmissionStatus.RUNNING, SubmissionStatus.GRADED,
                                  SubmissionStatus.ERROR)

GAVE_UP = ("We could not grade this submission: the grading service failed {n} times (our problem, not "
           "your code's). It does not count as one of your attempts. Your instructor has been shown it and "
           "can retry it; you may also submit again.")


@dataclass(frozen=True)
class Claim:
    submission_id: int
    token: str


def claim(session: Session, submission_id: int, lease_seconds: float, now: datetime | None = None) -> Claim | None:
    """Take the row for grading: queued, or running under a lease that has expired. None if another
    worker holds it or it is already final (a second delivery of the same id does nothing)."""
    now = now or utcnow()
    token = secrets.token_hex(16)
    claimable = or_(Submission.status == QUEUED,
                    and_(Submission.status == RUNNING, Submission.lease_until < now))
    taken = session.execute(
        update(Submission).where(Submission.id == submission_id, claimable)
        .values(status=RUNNING, lease_until=now + timedelta(seconds=lease_seconds), attempt_token=token,
                grading_attempts=Submission.grading_attempts + 1)
        .execution_options(synchronize_session=False)).rowcount
    session.commit()
    return Claim(submission_id, token) if taken == 1 else None


def _held(claim_: Claim):
    return (Submission.id == claim_.submission_id, Submission.attempt_token == claim_.token,
            Submission.status == RUNNING)


def complete(session: Session, claim_: Claim, graded: Graded) -> bool:
    """Write the result and mark the row graded, in one transaction, if the claim is still current."""
    now = utcnow()
    marked = session.execute(
        update(Submission).where(*_held(claim_))
        .values(status=GRADED, graded_at=now, lease_until=None, error_message=None)
        .returning(Submission.assignment_id, Submission.user_id)
        .execution_options(synchronize_session=False)).one_or_none()
    if marked is None:
        session.rollback()     # the lease expired and another worker took over: theirs is the grade
        return False
    assignment_id, user_id = marked
    result_id = graded.store(session, claim_.submission_id)
    session.execute(update(Submission).where(Submission.id == claim_.submission_id)
                    .values(result_id=result_id).execution_options(synchronize_session=False))
    check_history.refresh(session, assignment_id, user_id)
    gradebook.refresh(session, session.get(Assignment, assignment_id), [user_id])
    session.commit()
    gradebook.on_grade_changed(session, assignment_id, user_id)
    return True


def give_back(session: Session, claim_: Claim, reason: str, max_attempts: int) -> SubmissionStatus | None:
    """Our failure (a crashed sandbox, a missing reference): queue the row again, or after
    `max_attempts` claims mark it `error`, which never counts as the student's attempt."""
    row = session.get(Submission, claim_.submission_id)
    if row is None or row.attempt_token != claim_.token or row.status is not RUNNING:
        session.rollback()
        return None
    final = row.grading_attempts >= max_attempts
    status = ERROR if final else QUEUED
    session.execute(
        update(Submission).where(*_held(claim_))
        .values(status=status, lease_until=None, enqueued_at=utcnow(), failed_at=utcnow(),
                error_message=GAVE_UP.format(n=row.grading_attempts) if final else None,
                infrastructure_error=reason[:2000])
        .execution_options(synchronize_session=False))
    session.commit()
    return status


def give_up_if_exhausted(session: Session, claim_: Claim, max_attempts: int) -> bool:
    """A row claimed more than `max_attempts` times (workers that died under it): mark it `error`."""
    row = session.get(Submission, claim_.submission_id)
    if row is None or row.grading_attempts <= max_attempts:
        return False
    session.execute(
        update(Submission).where(*_held(claim_))
        .values(status=ERROR, lease_until=None, error_message=GAVE_UP.format(n=max_attempts), failed_at=utcnow(),
                infrastructure_error="the worker grading it stopped without a result (killed or crashed)")
        .execution_options(synchronize_session=False))
    session.commit()
    return True


def rows_to_reap(session: Session, *, now: datetime | None = None, stale_seconds: float,
                 queue_is_empty: bool, grace_seconds: float, limit: int = 1000) -> list[int]:
    """Ids to enqueue again: running rows whose lease expired, and queued rows the queue seems to have
    lost (it is empty but they wait, or they waited longer than `stale_seconds`). Their enqueued_at is
    reset, so each is handed back once per reaping."""
    now = now or utcnow()
    waiting_since = now - timedelta(seconds=grace_seconds if queue_is_empty else stale_seconds)
    lost = and_(Submission.status == QUEUED,
                or_(Submission.enqueued_at.is_(None), Submission.enqueued_at < waiting_since))
    expired = and_(Submission.status == RUNNING, Submission.lease_until < now)
    ids = list(session.scalars(select(Submission.id).where(or_(lost, expired)).order_by(Submission.id).limit(limit)))
    if ids:
        session.execute(update(Submission).where(Submission.id.in_(ids)).values(enqueued_at=now)
                        .execution_options(synchronize_session=False))
        # A lease that expired is a worker that died under the row: a failure of ours, for queue health.
        session.execute(update(Submission).where(Submission.id.in_(ids), Submission.status == RUNNING)
                        .values(failed_at=now).execution_options(synchronize_session=False))
    session.commit()
    return ids


def retry(session: Session, submission_id: int) -> bool:
    """An instructor's retry of a row that ended in `error`: queued again with a fresh count."""
    taken = session.execute(
        update(Submission).where(Submission.id == submission_id, Submission.status == ERROR)
        .values(status=QUEUED, grading_attempts=0, error_message=None, enqueued_at=utcnow(), lease_until=None)
        .execution_options(synchronize_session=False)).rowcount
    session.commit()
    return taken == 1


def queue_position(session: Session, submission: Submission) -> int | None:
    """1 for the next row to be graded; None once it is no longer waiting."""
    if submission.status is not QUEUED:
        return None
    ahead = session.scalar(select(func.count()).select_from(Submission)
                           .where(Submission.status == QUEUED, Submission.id < submission.id))
    return int(ahead) + 1
