"""Courses, who is in them and in which role, and the assignments they publish."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, String, UniqueConstraint, true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .users import User


class Role(enum.StrEnum):
    STUDENT = "student"
    TA = "ta"
    INSTRUCTOR = "instructor"

    @property
    def is_staff(self) -> bool:
        return self is not Role.STUDENT


class Course(Base):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)     # e.g. cs231n-2026, in URLs and the CLI
    title: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")   # IANA name; times are shown in it
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    enrolments: Mapped[list["Enrolment"]] = relationship(back_populates="course", cascade="all, delete-orphan")
    assignments: Mapped[list["Assignment"]] = relationship(back_populates="course", cascade="all, delete-orphan",
                                                           order_by="Assignment.due_at")


class Enrolment(Base):
    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("course_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=16,
                                            values_callable=lambda roles: [r.value for r in roles]))
    student_number: Mapped[str | None] = mapped_column(String(64))   # the roster's student id
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship(back_populates="enrolments")
    user: Mapped[User] = relationship(back_populates="enrolments")


class LimitPeriod(enum.StrEnum):
    TOTAL = "total"
    DAY = "day"        # a calendar day in the course's time zone


class Assignment(Base):
    """One published assignment: which grader exercises, worth how much, open when, late how."""
    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(64))               # `grade submit --assignment SLUG`
    title: Mapped[str] = mapped_column(String(200))
    exercise: Mapped[str] = mapped_column(String(32))           # the grader's assignment: gates, layers
    functions: Mapped[list | None] = mapped_column(JSON)        # None: every function of the exercise
    points: Mapped[float] = mapped_column(default=100.0)
    opens_at: Mapped[datetime | None]
    due_at: Mapped[datetime]
    late_penalty_percent: Mapped[float] = mapped_column(default=0.0)   # per late day started
    late_days_allowed: Mapped[int] = mapped_column(default=0)          # after these, closed
    submission_limit: Mapped[int | None]                                # None: unlimited
    limit_period: Mapped[LimitPeriod] = mapped_column(
        Enum(LimitPeriod, native_enum=False, length=16, values_callable=lambda ps: [p.value for p in ps]),
        default=LimitPeriod.TOTAL)
    published: Mapped[bool] = mapped_column(default=False)
    # Which graded submission is the grade of record: best, latest, or the one the student marks
    # active (server.gradebook owns the rule).
    grade_policy: Mapped[str] = mapped_column(String(16), default="best", server_default="best")
    # Refuse uploads that cannot be graded (syntax error, broken notebook, the wrong homework) before
    # they count as an attempt; an instructor may turn it off to grade them as zeros instead.
    precheck_uploads: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship(back_populates="assignments")
    extensions: Mapped[list["Extension"]] = relationship(back_populates="assignment", cascade="all, delete-orphan")


class Extension(Base):
    """A student's own deadline for one assignment; the late policy counts from it."""
    __tablename__ = "extensions"
    __table_args__ = (UniqueConstraint("assignment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(500), default="")
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    assignment: Mapped[Assignment] = relationship(back_populates="extensions")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
