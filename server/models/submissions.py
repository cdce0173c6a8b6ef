"""Submissions, their grading (the queue's state lives on the row), results and per-test rows.

The submission row is the truth about a grade; the queue only carries its id (see server.queue).
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Enum, Float, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from .base import Base, utcnow
from .courses import Assignment
from .users import User


class SubmissionStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    GRADED = "graded"
    ERROR = "error"        # our failure, after retries: never counts as the student's attempt

    @property
    def is_final(self) -> bool:
        return self in (SubmissionStatus.GRADED, SubmissionStatus.ERROR)


def _values(kind):
    return Enum(kind, native_enum=False, length=16, values_callable=lambda members: [m.value for m in members])


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (
        Index("ix_submissions_assignment_user", "assignment_id", "user_id", "id"),
        Index("ix_submissions_status_id", "status", "id"),       # the queue position, the reaper
        UniqueConstraint("assignment_id", "user_id", "attempt"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    attempt: Mapped[int]                                   # 1, 2, ... per student and assignment
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))   # the upload, byte for byte
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    late_days: Mapped[int] = mapped_column(default=0)
    penalty_percent: Mapped[float] = mapped_column(default=0.0)
    via: Mapped[str] = mapped_column(String(16), default="web")     # web, api

    status: Mapped[SubmissionStatus] = mapped_column(_values(SubmissionStatus), default=SubmissionStatus.QUEUED)
    enqueued_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]
    attempt_token: Mapped[str | None] = mapped_column(String(32))
    grading_attempts: Mapped[int] = mapped_column(default=0)      # claims so far (our failures retry)
    error_message: Mapped[str | None] = mapped_column(Text)         # shown to the student
    infrastructure_error: Mapped[str | None] = mapped_column(Text)  # our last failure, for staff only
    failed_at: Mapped[datetime | None] = mapped_column(index=True)  # when that failure was (queue health)
    graded_at: Mapped[datetime | None]
    # The result of record (a dry-run regrade writes results that are not, until published).
    result_id: Mapped[int | None] = mapped_column(ForeignKey("results.id", use_alter=True, ondelete="SET NULL"))

    assignment: Mapped[Assignment] = relationship()
    user: Mapped[User] = relationship()
    result: Mapped["Result | None"] = relationship(foreign_keys=[result_id], post_update=True)

    @property
    def counts_as_attempt(self) -> bool:
        return self.status is not SubmissionStatus.ERROR


class Result(Base):
    """One grading of one submission: scores, the seed that replays it, and the full report."""
    __tablename__ = "results"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    raw_score: Mapped[float]                  # the grader's points
    raw_max: Mapped[float]
    score: Mapped[float]                      # in the assignment's points, after the late penalty
    max_score: Mapped[float]
    seed: Mapped[int | None] = mapped_column(BigInteger)    # 63-bit: replays the hidden cases exactly
    report_json: Mapped[str] = deferred(mapped_column(Text))
    grader_version: Mapped[str] = mapped_column(String(32), default="")
    seconds: Mapped[float] = mapped_column(default=0.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    submission: Mapped[Submission] = relationship(foreign_keys=[submission_id])
    tests: Mapped[list["TestRow"]] = relationship(back_populates="result", cascade="all, delete-orphan",
                                                  order_by="TestRow.position")


class TestRow(Base):
    """One graded test, its own row so the dashboard can GROUP BY in SQL."""
    __tablename__ = "test_results"
    __test__ = False      # not a pytest test class, whatever its name
    __table_args__ = (
        Index("ix_test_results_assignment_check", "assignment_id", "function", "check", "status"),
        Index("ix_test_results_assignment_mistake", "assignment_id", "mistake"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("results.id", ondelete="CASCADE"), index=True)
    # Denormalised facts that never change, so aggregates need no joins back to the submission.
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    position: Mapped[int]
    function: Mapped[str] = mapped_column(String(64))
    check: Mapped[str] = mapped_column(String(64))
    visibility: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    score: Mapped[float]
    max_score: Mapped[float]
    mistake: Mapped[str | None] = mapped_column(String(64))
    relative_error: Mapped[float | None] = mapped_column(Float)
    scale: Mapped[float | None] = mapped_column(Float)
    cosine: Mapped[float | None] = mapped_column(Float)
    hint: Mapped[str | None] = mapped_column(Text)
    # Every gradient a failed gradient check found wrong, comma-delimited at both ends (",dx,db,"),
    # so that LIKE '%,db,%' finds one name whole; NULL for none, or not known (graded before the
    # grader named them). A string rather than a child table: it is written in the queue's one
    # executemany with the rest of the row (child rows would need each test row's id back first),
    # and the dashboard counts students per gradient in one GROUP BY, one LIKE per gradient name (a
    # handful per assignment), over a partial index of the few rows that have one.
    wrong_gradients: Mapped[str | None] = mapped_column(String(64))

    result: Mapped[Result] = relationship(back_populates="tests")


def joined_gradients(names) -> str | None:
    """TestRow.wrong_gradients from a list of gradient names: ",dx,db,", or None for none."""
    return f",{','.join(names)}," if names else None


def split_gradients(joined: str | None) -> list[str]:
    """The gradient names of a TestRow.wrong_gradients value (its inverse of joined_gradients)."""
    return [name for name in (joined or "").split(",") if name]


def holds_gradient(column, name: str):
    """SQL: the wrong_gradients `column` names the gradient `name` (a whole name, not a part)."""
    return column.contains(f",{name},", autoescape=True)


class AuditEntry(Base):
    """Who changed what about a grade or a course, when, and why."""
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(128), default="")
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[User | None] = relationship()
