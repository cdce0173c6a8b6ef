"""`GET /healthz`: is this web process up, can it reach its database, and is grading moving? For
load balancers and the compose file's healthchecks; it needs no login and shows nothing private
(counts, ages, worker hosts and pids).

200 while the database answers; 503 when it does not. `?grading=1` (a worker's healthcheck) also
answers 503 when grading has stalled: queued work and no live worker for more than a minute."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db
from .queue.health import queue_health

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """The database's and the queue's state, always JSON."""
    try:
        db.session.execute(text("SELECT 1"))
        queue = queue_health(db.session, current_app.config["GRADING_HEARTBEAT_SECONDS"])
    except SQLAlchemyError as error:
        log.error("health check: the database is not answering: %s", error)
        db.session.rollback()
        return {"status": "unavailable", "database": "down"}, 503
    grading = "stalled" if queue.stalled else "ok"
    status = 503 if queue.stalled and request.args.get("grading") else 200
    return {"status": "ok" if status == 200 else "unavailable", "database": "up", "grading": grading,
            "queue": queue.as_json()}, status


def init_app(app) -> None:
    app.register_blueprint(bp)
