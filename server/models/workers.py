"""Grading workers as the database sees them: who is alive, and since when it last said so."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class WorkerHeartbeat(Base):
    """One running `grade worker` process; it rewrites `last_seen` every GRADING_HEARTBEAT_SECONDS and
    deletes its row when it stops. A row whose last_seen is old is a worker that died."""
    __tablename__ = "worker_heartbeats"

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow, index=True)
