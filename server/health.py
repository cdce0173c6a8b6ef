"""`GET /healthz`: is this web process up and can it reach its database? For load balancers and
the compose file's healthcheck; it needs no login and shows nothing private."""
from __future__ import annotations

import logging

from flask import Blueprint
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """200 when the database answers SELECT 1, else 503; always JSON."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        log.error("health check: the database is not answering: %s", error)
        db.session.rollback()
        return {"status": "unavailable", "database": "down"}, 503
    return {"status": "ok", "database": "up"}, 200


def init_app(app) -> None:
    app.register_blueprint(bp)
