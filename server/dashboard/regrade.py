"""Regrade as a dry run: grade every latest submission again through the queue, preview the score
changes, then publish (the new results become the ones of record) or discard.

The same promise as the grading queue, one level up: an item is claimed with one atomic UPDATE and
a fresh token, and only the token's holder writes its result, in the transaction that marks it
graded, so a duplicate delivery grades nothing twice. At most one regrade per assignment is open
(`Regrade.open_for` is unique): starting one twice returns the first. Hidden cases replay exactly
(the seed comes from the server secret and the submission), so a change is the grader's or the
points', never the dice. Manual adjustments sit beside the results and survive a publish.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from .. import check_history, gradebook
from ..models import (Assignment, AuditEntry, ItemState, Regrade, RegradeItem, RegradeState, Result, Submission,
                      TestRow, User, utcnow)
from ..queue.grading import InfrastructureError, grade_submission
from .latest import latest, records_of_students


class RegradeRefused(Exception):
    """Why the regrade cannot do that now, in words for the instructor."""


def open_regrade(session: Session, assignment: Assignment) -> Regrade | None:
    return session.scalar(select(Regrade).where(Regrade.open_for == assignment.id))


def start(session: Session, assignment: Assignment, actor: User) -> tuple[Regrade, list[int]]:
    """Open a regrade of every latest graded submission and every grade of record; returns it and the
    item ids to enqueue.
    Starting while one is open returns that one and its items still waiting (a lost message is sent
    again; one that was not lost is claimed once all the same): nothing is graded twice."""
    existing = open_regrade(session, assignment)
    if existing is not None:
        return existing, waiting(session, existing)
    regrade = Regrade(assignment_id=assignment.id, open_for=assignment.id, started_by_id=actor.id)
    session.add(regrade)
    try:
        session.flush()
    except IntegrityError:          # another instructor started one at the same moment: theirs it is
        session.rollback()
        existing = open_regrade(session, assignment)
        return existing, waiting(session, existing)
    # The latest graded submissions (what the class's code does now) and the grades of record (what
    # counts, e.g. an earlier best): both are what a changed check should be run on again.
    last, record = latest(assignment), records_of_students(assignment).subquery("record_of_students")
    wanted = select(last.c.submission_id).union(select(record.c.submission_id)).subquery("wanted")
    rows = session.execute(select(Submission.id, Submission.result_id)
                           .join(wanted, wanted.c.submission_id == Submission.id)).all()
    session.add_all([RegradeItem(regrade_id=regrade.id, submission_id=s, old_result_id=r) for s, r in rows])
    session.add(AuditEntry(actor_id=actor.id, course_id=assignment.course_id, action="regrade.start",
                           target=f"assignment:{assignment.slug}", new=f"regrade {regrade.id}: {len(rows)} submissions"))
    session.commit()
    return regrade, list(session.scalars(select(RegradeItem.id).where(RegradeItem.regrade_id == regrade.id)))


def waiting(session: Session, regrade: Regrade) -> list[int]:
    """Items queued, or running under an expired lease (their worker died)."""
    return list(session.scalars(select(RegradeItem.id).where(
        RegradeItem.regrade_id == regrade.id,
        or_(RegradeItem.state == ItemState.QUEUED,
            and_(RegradeItem.state == ItemState.RUNNING, RegradeItem.lease_until < utcnow())))
        .order_by(RegradeItem.id)))


def claim(session: Session, item_id: int, lease_seconds: float) -> str | None:
    """Take an item of an open regrade for grading: the token, or None if it is not claimable."""
    now = utcnow()
    token = secrets.token_hex(16)
    still_open = select(Regrade.id).where(Regrade.id == RegradeItem.regrade_id,
                                          Regrade.state == RegradeState.RUNNING).exists()
    taken = session.execute(
        update(RegradeItem).where(RegradeItem.id == item_id, still_open,
                                  or_(RegradeItem.state == ItemState.QUEUED,
                                      and_(RegradeItem.state == ItemState.RUNNING, RegradeItem.lease_until < now)))
        .values(state=ItemState.RUNNING, token=token, lease_until=now + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)).rowcount
    session.commit()
    return token if taken == 1 else None


def process(session: Session, item_id: int, *, secret: str, options: dict, lease_seconds: float) -> str:
    """What a worker does with one delivered item id: claim, grade, record. Returns what happened."""
    token = claim(session, item_id, lease_seconds)
    if token is None:
        return "not claimable"
    item = session.get(RegradeItem, item_id)
    submission = session.get(Submission, item.submission_id)
    held = (RegradeItem.id == item_id, RegradeItem.token == token, RegradeItem.state == ItemState.RUNNING)
    try:
        graded = grade_submission(submission, secret=secret, options=options)
    except InfrastructureError as error:
        session.execute(update(RegradeItem).where(*held).values(state=ItemState.ERROR, error=str(error)[:2000])
                        .execution_options(synchronize_session=False))
        session.commit()
        return "error"
    result_id = graded.store(session, submission.id)
    marked = session.execute(update(RegradeItem).where(*held)
                             .values(state=ItemState.GRADED, new_result_id=result_id, lease_until=None)
                             .execution_options(synchronize_session=False)).rowcount
    if marked != 1:
        session.rollback()          # the lease expired and another worker took it over: theirs is the result
        return "superseded"
    session.commit()
    return "graded"


@dataclass(frozen=True)
class Progress:
    queued: int = 0
    running: int = 0
    graded: int = 0
    error: int = 0

    @property
    def pending(self) -> int:
        return self.queued + self.running


def progress(session: Session, regrade: Regrade) -> Progress:
    counts = dict(session.execute(select(RegradeItem.state, func.count()).where(RegradeItem.regrade_id == regrade.id)
                                  .group_by(RegradeItem.state)).all())
    return Progress(**{str(state): n for state, n in counts.items()})


@dataclass
class Change:
    user: User
    submission_id: int
    old: float | None
    new: float | None
    checks: list[str]

    @property
    def direction(self) -> str:
        if self.old is None or self.new is None:
            return "pending"
        return "up" if self.new > self.old + 1e-9 else "down" if self.new < self.old - 1e-9 else "unchanged"


def preview(session: Session, regrade: Regrade) -> list[Change]:
    """Per student: the score of record, the regrade's score, and the checks whose points changed."""
    old, new = aliased(Result), aliased(Result)
    rows = session.execute(
        select(RegradeItem.id, RegradeItem.submission_id, User, old.score, new.score)
        .join(Submission, Submission.id == RegradeItem.submission_id).join(User, User.id == Submission.user_id)
        .outerjoin(old, old.id == RegradeItem.old_result_id).outerjoin(new, new.id == RegradeItem.new_result_id)
        .where(RegradeItem.regrade_id == regrade.id).order_by(User.name, User.email)).all()
    changed: dict[int, list[str]] = {}
    for item_id, function, check in _changed_checks(session, regrade):
        changed.setdefault(item_id, []).append(f"{function}: {check}")
    changes = [Change(user, submission_id, o, n, changed.get(item_id, []))
               for item_id, submission_id, user, o, n in rows]
    # What an instructor must look at first: scores going down, then up, then still pending, then the rest.
    first = {"down": 0, "up": 1, "pending": 2, "unchanged": 3}
    return sorted(changes, key=lambda change: first[change.direction])


def _changed_checks(session: Session, regrade: Regrade):
    """(item id, function, check) where the old and the new result give the check different points."""
    def per_check(result_column):
        return (select(RegradeItem.id.label("item"), TestRow.function, TestRow.check,
                       func.sum(TestRow.score).label("points"), func.count().label("rows"))
                .join(TestRow, TestRow.result_id == result_column)
                .where(RegradeItem.regrade_id == regrade.id, RegradeItem.new_result_id.is_not(None))
                .group_by(RegradeItem.id, TestRow.function, TestRow.check).subquery())
    before, after = per_check(RegradeItem.old_result_id), per_check(RegradeItem.new_result_id)
    return session.execute(
        select(after.c.item, after.c.function, after.c.check)
        .join(before, and_(before.c.item == after.c.item, before.c.function == after.c.function,
                           before.c.check == after.c.check))
        .where(or_(func.abs(before.c.points - after.c.points) > 1e-9, before.c.rows != after.c.rows))
        .order_by(after.c.item, after.c.function, after.c.check)).all()


def publish(session: Session, regrade: Regrade, actor: User) -> int:
    """Make the regrade's results the ones of record; every changed score goes to the audit log."""
    if regrade.state is not RegradeState.RUNNING:
        raise RegradeRefused(f"Regrade {regrade.id} is {regrade.state} already.")
    waiting = progress(session, regrade).pending
    if waiting:
        raise RegradeRefused(f"{waiting} submission(s) are still being regraded; publish once they are done.")
    changes = {c.submission_id: c for c in preview(session, regrade) if c.direction in ("up", "down")}
    switched, moved_users = 0, set()
    for item in session.scalars(select(RegradeItem).where(RegradeItem.regrade_id == regrade.id,
                                                          RegradeItem.state == ItemState.GRADED)):
        # Only where the result of record is still the one the regrade replaced (a retry may have moved on).
        moved = session.execute(
            update(Submission).where(Submission.id == item.submission_id, Submission.result_id == item.old_result_id)
            .values(result_id=item.new_result_id).execution_options(synchronize_session=False)).rowcount
        if moved:
            user_id = session.scalar(select(Submission.user_id).where(Submission.id == item.submission_id))
            check_history.refresh(session, regrade.assignment_id, user_id)
            moved_users.add(user_id)
        switched += moved
        change = changes.get(item.submission_id)
        if change is not None:
            session.add(AuditEntry(actor_id=actor.id, course_id=_course_id(session, regrade), action="grade.regrade",
                                   target=f"submission:{item.submission_id}", old=f"{change.old:g}",
                                   new=f"{change.new:g}", reason=f"regrade {regrade.id} published"))
    if moved_users:
        gradebook.refresh(session, session.get(Assignment, regrade.assignment_id), sorted(moved_users))
    _close(session, regrade, RegradeState.PUBLISHED, actor, f"{switched} results published")
    gradebook.on_grades_changed(session, regrade.assignment_id, sorted(moved_users))
    return switched


def discard(session: Session, regrade: Regrade, actor: User) -> None:
    """Close the regrade without publishing; its results are deleted (they were never of record)."""
    if regrade.state is not RegradeState.RUNNING:
        raise RegradeRefused(f"Regrade {regrade.id} is {regrade.state} already.")
    new_ids = select(RegradeItem.new_result_id).where(RegradeItem.regrade_id == regrade.id,
                                                      RegradeItem.new_result_id.is_not(None))
    session.execute(delete(Result).where(Result.id.in_(new_ids)).execution_options(synchronize_session=False))
    _close(session, regrade, RegradeState.DISCARDED, actor, "discarded")


def _course_id(session: Session, regrade: Regrade) -> int:
    return session.get(Assignment, regrade.assignment_id).course_id


def _close(session: Session, regrade: Regrade, state: RegradeState, actor: User, note: str) -> None:
    regrade.state, regrade.open_for, regrade.closed_at = state, None, utcnow()
    session.add(AuditEntry(actor_id=actor.id, course_id=_course_id(session, regrade), action=f"regrade.{state}",
                           target=f"regrade:{regrade.id}", new=note))
    session.commit()
