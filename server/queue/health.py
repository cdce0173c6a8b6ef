"""The queue's health, for staff pages, their stalled-grading banner and `GET /healthz`: what waits,
since when, what runs, which workers are alive (their heartbeats), and our failures in the last hour.

Workers write their heartbeat here (`register`, `beat`, `unregister`) from `grade worker`."""
from __future__ import annotations

import os
import socket
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..models import Submission, SubmissionStatus, WorkerHeartbeat, utcnow

SHOWN_FOR = timedelta(hours=1)       # a worker silent longer than this is forgotten
STALL_AFTER = timedelta(minutes=1)   # queued work and no live worker for this long: grading has stalled


@dataclass(frozen=True)
class WorkerState:
    host: str
    pid: int
    started_at: datetime
    last_seen: datetime
    alive: bool


@dataclass(frozen=True)
class QueueHealth:
    queued: int
    oldest_queued_seconds: float | None
    running: int
    workers: list[WorkerState]
    errors_last_hour: int
    stalled: bool

    @property
    def alive(self) -> int:
        return sum(1 for worker in self.workers if worker.alive)

    def as_json(self) -> dict:
        data = asdict(self)
        data["workers_alive"] = self.alive
        for worker in data["workers"]:
            worker["started_at"], worker["last_seen"] = (worker["started_at"].isoformat(),
                                                         worker["last_seen"].isoformat())
        return data


def queue_health(session: Session, heartbeat_seconds: float, now: datetime | None = None) -> QueueHealth:
    """The queue as it is now, in four small queries (the indexed status column, a few heartbeats)."""
    now = now or utcnow()
    queued, oldest = session.execute(select(func.count(), func.min(Submission.submitted_at))
                                     .where(Submission.status == SubmissionStatus.QUEUED)).one()
    running = session.scalar(select(func.count()).where(Submission.status == SubmissionStatus.RUNNING))
    errors = session.scalar(select(func.count()).where(Submission.failed_at >= now - SHOWN_FOR))
    beats = session.scalars(select(WorkerHeartbeat).where(WorkerHeartbeat.last_seen >= now - SHOWN_FOR)
                            .order_by(WorkerHeartbeat.started_at)).all()
    alive_since = now - timedelta(seconds=3 * heartbeat_seconds)
    workers = [WorkerState(b.host, b.pid, b.started_at, b.last_seen, b.last_seen >= alive_since) for b in beats]
    last_beat = max((b.last_seen for b in beats), default=None)
    waited = (now - oldest).total_seconds() if oldest is not None else None
    stalled = bool(queued) and waited is not None and waited > STALL_AFTER.total_seconds() and (
        last_beat is None or now - last_beat > STALL_AFTER)
    return QueueHealth(int(queued), waited, int(running), workers, int(errors), stalled)


def register(session: Session) -> int:
    """This worker process is alive: its heartbeat row's id."""
    row = WorkerHeartbeat(host=socket.gethostname()[:255], pid=os.getpid())
    session.add(row)
    session.commit()
    return row.id


def beat(session: Session, heartbeat_id: int) -> None:
    """Still alive (the row comes back if something deleted it)."""
    now = utcnow()
    if not session.execute(update(WorkerHeartbeat).where(WorkerHeartbeat.id == heartbeat_id)
                           .values(last_seen=now).execution_options(synchronize_session=False)).rowcount:
        session.add(WorkerHeartbeat(id=heartbeat_id, host=socket.gethostname()[:255], pid=os.getpid()))
    # Forget workers long dead, so the table stays a handful of rows.
    session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.last_seen < now - 24 * SHOWN_FOR))
    session.commit()


def unregister(session: Session, heartbeat_id: int) -> None:
    """A clean stop: this worker no longer counts as alive."""
    session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.id == heartbeat_id))
    session.commit()
