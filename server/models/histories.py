"""Summaries of each student's grades that the dashboard reads instead of every row: the verdict
history per check, and which submission is the student's latest graded one.

Rewritten whenever one of that student's results of record changes (a grade completes, a regrade
is published: see server.check_history). They hold facts derived from submissions and test_results
and nothing else, so they can always be rebuilt from them.
"""
from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

# One character per graded attempt in `verdicts` (named LETTER_ so that they are never taken for the
# test_results statuses "passed", "failed", ... that they summarise).
LETTER_PASSED, LETTER_FAILING, LETTER_NOT_JUDGED = "P", "F", "-"
HEAD_ATTEMPTS = 6      # attempts the dashboard shows one by one (later ones are few and noisy)


class CheckHistory(Base):
    __tablename__ = "check_histories"
    __table_args__ = (
        UniqueConstraint("assignment_id", "user_id", "function", "check"),
        # Every page reads one assignment's rows grouped by check (and by head, first_pass, flaky: few
        # distinct values), in this index's order and from the index alone.
        Index("ix_check_histories_assignment_check", "assignment_id", "function", "check", "head", "first_pass",
              "flaky", "latest", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    function: Mapped[str] = mapped_column(String(64))
    check: Mapped[str] = mapped_column(String(64))
    # The check's verdict on each graded attempt, oldest first: P (every case passed), F (a case
    # failed, raised or timed out), - (not judged: the function was missing or the check skipped).
    verdicts: Mapped[str] = mapped_column(Text)
    # The first HEAD_ATTEMPTS verdicts: grouping by this short prefix (a few dozen distinct values per
    # check) gives the fail share attempt by attempt without evaluating every row's verdicts in SQL.
    head: Mapped[str] = mapped_column(String(HEAD_ATTEMPTS))
    # The verdict on the student's latest graded attempt: the last of verdicts, or "" when that
    # attempt did not run this check at all (a grader upgraded between the two attempts).
    latest: Mapped[str] = mapped_column(String(1))
    first_pass: Mapped[int | None]                           # 1-based position in verdicts of the first P
    # The verdict differed between two graded attempts of byte-identical code: the check, not the
    # student, changed its mind (fresh hidden inputs each attempt), so staff should look at it.
    flaky: Mapped[bool] = mapped_column(default=False)


class LatestGraded(Base):
    """Each student's latest graded submission of an assignment (the highest id with a result of
    record): the overview's pages read one row per student instead of grouping every attempt."""
    __tablename__ = "latest_graded"
    __table_args__ = (UniqueConstraint("assignment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
