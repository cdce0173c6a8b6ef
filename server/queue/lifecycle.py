"""The promise: every submission is graded exactly once, and none is lost.

The submission row is the truth; the queue only carries its id. A worker claims a row with one
atomic UPDATE and a fresh attempt token; only the holder of the current token may write a result,
in the same transaction that marks the row graded. A SIGKILLed worker never reports anything, so
its lease expires and the reaper hands the row to another worker.

Which row a worker claims is fair across students (claim_next): a delivered id is a turn to grade
one row, the fairest waiting, not necessarily its own. Otherwise one student's burst of slow
submissions, queued first, made everyone else's wait behind all of it (241 s, once).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, or_, select, update
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
    taken = session.execute(
        update(Submission).where(Submission.id == submission_id, _claimable(now))
        .values(status=RUNNING, lease_until=now + timedelta(seconds=lease_seconds), attempt_token=token,
                grading_attempts=Submission.grading_attempts + 1)
        .execution_options(synchronize_session=False)).rowcount
    session.commit()
    return Claim(submission_id, token) if taken == 1 else None


MAX_CLAIM_RACES = 50      # rows other workers took between our choosing and our UPDATE, before giving the turn up


def fair_order(now: datetime):
    """The claimable rows, fairest first: the students with fewest rows being graded now, then those
    served longest ago (whose last grade is oldest; never graded first), then each student's rows
    oldest first. Round robin across students, whatever the queue (SQLite or Redis) delivered."""
    claimable = _claimable(now)
    running = (select(Submission.user_id, func.count().label("running"))
               .where(Submission.status == RUNNING, Submission.lease_until >= now)
               .group_by(Submission.user_id).subquery())
    waiting_students = select(Submission.user_id).where(claimable).distinct()
    served = (select(Submission.user_id, func.max(Submission.graded_at).label("at"))
              .where(Submission.user_id.in_(waiting_students)).group_by(Submission.user_id).subquery())
    return (select(Submission.id)
            .outerjoin(running, running.c.user_id == Submission.user_id)
            .outerjoin(served, served.c.user_id == Submission.user_id)
            .where(claimable)
            .order_by(func.coalesce(running.c.running, 0), served.c.at.asc().nulls_first(), Submission.id))


def claim_next(session: Session, lease_seconds: float, now: datetime | None = None) -> Claim | None:
    """Claim the fairest claimable row (fair_order); None when nothing waits. Another worker may take
    the chosen row first: then the next fairest is chosen, each claim still one atomic UPDATE."""
    now = now or utcnow()
    for _ in range(MAX_CLAIM_RACES):
        chosen = session.scalar(fair_order(now).limit(1))
        session.commit()      # end the read: SQLite takes its write lock in claim's UPDATE
        if chosen is None:
            return None
        taken = claim(session, chosen, lease_seconds, now)
        if taken is not None:
            return taken
    return None


def _claimable(now: datetime):
    return or_(Submission.status == QUEUED, and_(Submission.status == RUNNING, Submission.lease_until < now))


def _held(claim_: Claim):
    return (Submission.id == claim_.submission_id, Submission.attempt_token == claim_.token,
            Submission.status == RUNNING)


def complete(session: Session, claim_: Claim, graded: Graded, staff_note: str | None = None) -> bool:
    """Write the result and mark the row graded, in one transaction, if the claim is still current.
    `staff_note`: what staff see of how the grade went (a grader crash that counted)."""
    now = utcnow()
    extra = {"infrastructure_error": staff_note[:2000]} if staff_note else {}
    marked = session.execute(
        update(Submission).where(*_held(claim_))
        .values(status=GRADED, graded_at=now, lease_until=None, error_message=None, **extra)
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
    """About where the row waits (1: next); None once it is no longer waiting. Grading takes the
    students in turn (fair_order), so a row that is its student's k-th waiting one has up to k
    waiting rows of every other student ahead of it: the count is that, at most."""
    if submission.status is not QUEUED:
        return None
    rank = session.scalar(select(func.count()).select_from(Submission).where(
        Submission.status == QUEUED, Submission.user_id == submission.user_id, Submission.id <= submission.id))
    waiting = (select(Submission.user_id, func.count().label("rows")).where(
        Submission.status == QUEUED, Submission.user_id != submission.user_id)
        .group_by(Submission.user_id).subquery())
    at_most_rank = case((waiting.c.rows < rank, waiting.c.rows), else_=rank)     # min() of two values, portably
    others = session.scalar(select(func.coalesce(func.sum(at_most_rank), 0)))
    return int(rank) + int(others)
