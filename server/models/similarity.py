"""Similarity runs: which latest submissions of an assignment were compared, when, and the pairs
found alike. A page load reads these rows; the comparing happens in a queue task.

A run is claimed like a submission (an atomic UPDATE with a fresh token and a lease) and only the
token's holder writes its documents and pairs, in the transaction that marks it done and deletes
the assignment's earlier runs: a recompute replaces the old pairs, never mixes with them.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from .base import Base, utcnow
from .users import User


class RunState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


def _values(kind):
    return Enum(kind, native_enum=False, length=16, values_callable=lambda members: [m.value for m in members])


class SimilarityRun(Base):
    """One comparison of every student's latest graded submission of an assignment."""
    __tablename__ = "similarity_runs"
    __table_args__ = (Index("ix_similarity_runs_assignment_state", "assignment_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    # Set while queued or running, cleared when it ends: at most one open run per assignment.
    open_for: Mapped[int | None] = mapped_column(unique=True)
    state: Mapped[RunState] = mapped_column(_values(RunState), default=RunState.QUEUED)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    computed_at: Mapped[datetime | None]
    token: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None]
    settings: Mapped[dict] = mapped_column(JSON, default=dict)       # the thresholds it used
    compared: Mapped[int] = mapped_column(default=0)                  # submissions compared
    scored: Mapped[int] = mapped_column(default=0)                    # pairs scored (shared fingerprints)
    pairs_found: Mapped[int] = mapped_column(default=0)
    seconds: Mapped[float] = mapped_column(default=0.0)
    notes: Mapped[list] = mapped_column(JSON, default=list)           # what was left out, and why
    error: Mapped[str | None] = mapped_column(Text)

    requested_by: Mapped[User | None] = relationship()


class SimilarityDocument(Base):
    """One submission as it was compared: the source text the pairs' regions index into (a
    notebook's extracted code, the graded file of a zip)."""
    __tablename__ = "similarity_documents"
    __table_args__ = (UniqueConstraint("run_id", "submission_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("similarity_runs.id", ondelete="CASCADE"))
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    shown_as: Mapped[str] = mapped_column(String(255), default="")    # the file compared, e.g. hw.ipynb (code cells)
    source: Mapped[str] = deferred(mapped_column(Text, nullable=False))


class SimilarityPair(Base):
    """Two documents of a run found alike, with where: regions are [start, end) character ranges."""
    __tablename__ = "similarity_pairs"
    __table_args__ = (Index("ix_similarity_pairs_run_similarity", "run_id", "similarity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("similarity_runs.id", ondelete="CASCADE"))
    document_a_id: Mapped[int] = mapped_column(ForeignKey("similarity_documents.id", ondelete="CASCADE"))
    document_b_id: Mapped[int] = mapped_column(ForeignKey("similarity_documents.id", ondelete="CASCADE"))
    similarity: Mapped[float]                   # the larger of the two shares
    similarity_a: Mapped[float]                 # share of a's tokens that match b
    similarity_b: Mapped[float]
    overlap: Mapped[int]                        # matching tokens
    regions_a: Mapped[list] = deferred(mapped_column(JSON, nullable=False))
    regions_b: Mapped[list] = deferred(mapped_column(JSON, nullable=False))

    document_a: Mapped[SimilarityDocument] = relationship(foreign_keys=[document_a_id])
    document_b: Mapped[SimilarityDocument] = relationship(foreign_keys=[document_b_id])
    run: Mapped[SimilarityRun] = relationship()
