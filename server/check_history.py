"""Keep check_histories and latest_graded in step with the results of record: one student at a time,
as grades land.

Called in the transaction that changes a student's result of record (server.queue.lifecycle.complete,
a regrade's publish), so the summary commits or rolls back with the grade it summarises. The rows
are rebuilt from test_results each time, never patched, so there is nothing to drift.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import case, delete, func, insert, select
from sqlalchemy.orm import Session

from .models import CheckHistory, LatestGraded, Submission, SubmissionStatus, TestRow, User
from .models.histories import HEAD_ATTEMPTS, LETTER_FAILING, LETTER_NOT_JUDGED, LETTER_PASSED

FAILING_STATUSES = ("failed", "error", "timeout")    # the student's code ran and was wrong


@dataclass(frozen=True)
class Verdict:
    """One check on one graded attempt of one student."""
    user_id: int
    attempt: int
    sha256: str
    function: str
    check: str
    all_passed: bool
    any_failing: bool

    @property
    def letter(self) -> str:
        return LETTER_PASSED if self.all_passed else LETTER_FAILING if self.any_failing else LETTER_NOT_JUDGED


def verdicts_query(assignment_id: int, user_ids: Iterable[int] | None = None):
    """Per graded attempt of record and check: did every case pass, did any fail (SQL, grouped)."""
    query = (
        select(Submission.user_id, Submission.attempt, Submission.sha256, TestRow.function, TestRow.check,
               func.min(case((TestRow.status == "passed", 1), else_=0)),
               func.max(case((TestRow.status.in_(FAILING_STATUSES), 1), else_=0)))
        .join(TestRow, TestRow.result_id == Submission.result_id)
        .where(Submission.assignment_id == assignment_id, Submission.status == SubmissionStatus.GRADED)
        .group_by(Submission.user_id, Submission.id, Submission.attempt, Submission.sha256,
                  TestRow.function, TestRow.check))
    if user_ids is not None:
        query = query.where(Submission.user_id.in_(list(user_ids)))
    return query


def verdicts_of(executor, assignment_id: int, user_ids: Iterable[int] | None = None) -> list[Verdict]:
    """Run verdicts_query on a Session or a Connection (the migration has only the latter)."""
    return [Verdict(*row[:5], bool(row[5]), bool(row[6]))
            for row in executor.execute(verdicts_query(assignment_id, user_ids))]


def histories_from(assignment_id: int, verdicts: Iterable[Verdict]) -> list[dict]:
    """The check_histories rows for these verdicts (any order): one per student and check."""
    by_check: dict[tuple, list[Verdict]] = {}
    last_attempt: dict[int, int] = {}
    for verdict in verdicts:
        by_check.setdefault((verdict.user_id, verdict.function, verdict.check), []).append(verdict)
        last_attempt[verdict.user_id] = max(verdict.attempt, last_attempt.get(verdict.user_id, 0))
    rows = []
    for (user_id, function, check), seen in by_check.items():
        seen.sort(key=lambda v: v.attempt)
        letters = "".join(v.letter for v in seen)
        letters_per_code: dict[str, set[str]] = {}
        for verdict in seen:
            letters_per_code.setdefault(verdict.sha256, set()).add(verdict.letter)
        flaky = any({LETTER_PASSED, LETTER_FAILING} <= same_code for same_code in letters_per_code.values())
        rows.append(dict(assignment_id=assignment_id, user_id=user_id, function=function, check=check,
                         verdicts=letters, head=letters[:HEAD_ATTEMPTS],
                         latest=letters[-1] if seen[-1].attempt == last_attempt[user_id] else "",
                         first_pass=letters.index(LETTER_PASSED) + 1 if LETTER_PASSED in letters else None,
                         flaky=flaky))
    return rows


def refresh(session: Session, assignment_id: int, user_id: int) -> None:
    """Rebuild one student's histories and latest graded submission for one assignment (inside the
    caller's transaction)."""
    # Two workers finishing two attempts of one student at once would each rebuild from a snapshot
    # without the other's result; the lock on the student's row makes the second wait and see both.
    session.execute(select(User.id).where(User.id == user_id).with_for_update())
    found = verdicts_of(session, assignment_id, [user_id])
    session.execute(delete(CheckHistory).where(CheckHistory.assignment_id == assignment_id,
                                               CheckHistory.user_id == user_id))
    rows = histories_from(assignment_id, found)
    if rows:
        session.execute(insert(CheckHistory), rows)
    latest_id = session.scalar(select(func.max(Submission.id)).where(
        Submission.assignment_id == assignment_id, Submission.user_id == user_id,
        Submission.status == SubmissionStatus.GRADED, Submission.result_id.is_not(None)))
    session.execute(delete(LatestGraded).where(LatestGraded.assignment_id == assignment_id,
                                               LatestGraded.user_id == user_id))
    if latest_id is not None:
        session.add(LatestGraded(assignment_id=assignment_id, user_id=user_id, submission_id=latest_id))
