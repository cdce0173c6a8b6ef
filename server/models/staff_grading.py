"""What staff add to the automatic grade: manual adjustments, and regrades run as a dry run first.

Neither ever overwrites a Result: an adjustment sits beside the automatic score (a regrade keeps
it), and a regrade writes new Results that become the ones of record only when published.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .submissions import Submission, TestRow
from .users import User


def _values(kind):
    return Enum(kind, native_enum=False, length=16, values_callable=lambda members: [m.value for m in members])


class ScoreAdjustment(Base):
    """The current manual change to one submission's score (its history is in the audit log)."""
    __tablename__ = "score_adjustments"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), unique=True)
    points: Mapped[float]                      # added to the automatic score (may be negative)
    comment: Mapped[str] = mapped_column(Text)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    by: Mapped[User | None] = relationship()


class RegradeState(enum.StrEnum):
    RUNNING = "running"        # items are being graded; nothing is published
    PUBLISHED = "published"
    DISCARDED = "discarded"


class ItemState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    GRADED = "graded"
    ERROR = "error"


class Regrade(Base):
    """A dry run that grades every latest submission of an assignment again."""
    __tablename__ = "regrades"
    __table_args__ = (Index("ix_regrades_assignment_state", "assignment_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    # Set while the regrade is open and cleared when it closes: at most one open regrade per assignment.
    open_for: Mapped[int | None] = mapped_column(unique=True)
    state: Mapped[RegradeState] = mapped_column(_values(RegradeState), default=RegradeState.RUNNING)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    items: Mapped[list["RegradeItem"]] = relationship(back_populates="regrade", cascade="all, delete-orphan")


class RegradeItem(Base):
    """One submission in a regrade: the result it had, and the new one once graded."""
    __tablename__ = "regrade_items"
    __table_args__ = (UniqueConstraint("regrade_id", "submission_id"),
                      Index("ix_regrade_items_regrade_state", "regrade_id", "state"))

    id: Mapped[int] = mapped_column(primary_key=True)
    regrade_id: Mapped[int] = mapped_column(ForeignKey("regrades.id", ondelete="CASCADE"))
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    old_result_id: Mapped[int | None] = mapped_column(ForeignKey("results.id", ondelete="SET NULL"))
    new_result_id: Mapped[int | None] = mapped_column(ForeignKey("results.id", ondelete="SET NULL"))
    state: Mapped[ItemState] = mapped_column(_values(ItemState), default=ItemState.QUEUED)
    token: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)

    regrade: Mapped[Regrade] = relationship(back_populates="items")


# Indexes for the dashboard's GROUP BYs over the latest results (declared here, beside the
# dashboard's own tables, so the lead's models stay as they are). Each query reads only an index:
# each student's latest graded submission, then the test rows of its result of record.
_FAILING = "status IN ('failed', 'error', 'timeout')"
Index("ix_submissions_latest", Submission.assignment_id, Submission.status, Submission.user_id, Submission.id,
      Submission.result_id)
Index("ix_submissions_timeline", Submission.assignment_id, Submission.user_id, Submission.status,
      Submission.submitted_at, Submission.late_days)
Index("ix_test_results_result_cover", TestRow.result_id, TestRow.function, TestRow.check, TestRow.status,
      TestRow.score, TestRow.max_score)
Index("ix_test_results_result_mistake", TestRow.result_id, TestRow.function, TestRow.mistake,
      sqlite_where=text("mistake IS NOT NULL"), postgresql_where=text("mistake IS NOT NULL"))
Index("ix_test_results_result_failing", TestRow.result_id, TestRow.function, TestRow.check, TestRow.status,
      sqlite_where=text(_FAILING), postgresql_where=text(_FAILING))
Index("ix_test_results_result_error", TestRow.result_id, TestRow.function, TestRow.relative_error,
      sqlite_where=text("relative_error >= 0"), postgresql_where=text("relative_error >= 0"))
# The function x gradient heat map reads only rows naming a wrong gradient: a few per failing student.
Index("ix_test_results_result_gradients", TestRow.result_id, TestRow.function, TestRow.status,
      TestRow.wrong_gradients, sqlite_where=text("wrong_gradients IS NOT NULL"),
      postgresql_where=text("wrong_gradients IS NOT NULL"))
