"""The student's choice of the submission that counts, for assignments whose policy is "active"."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class ActiveSubmission(Base):
    """The submission a student marked as the one that counts (Gradescope's "active submission")."""
    __tablename__ = "active_submissions"
    __table_args__ = (UniqueConstraint("assignment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    chosen_at: Mapped[datetime] = mapped_column(default=utcnow)


class GradeRecord(Base):
    """Each student's grade of record for an assignment: which submission it is, under the
    assignment's policy. Written by server.gradebook.refresh in the transaction of every change
    that can move it (a grade lands, a regrade is published, an adjustment, a new active choice, a
    deadline, penalty, points or policy change), so that a class's grades are one indexed join
    instead of a window over every attempt. Derived from submissions, results and adjustments
    alone, so it can always be rebuilt from them."""
    __tablename__ = "grade_records"
    __table_args__ = (UniqueConstraint("assignment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
