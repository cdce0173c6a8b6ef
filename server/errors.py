"""Every refusal is a clear page (or, under /api, a JSON object) saying why and what to do."""
from __future__ import annotations

import logging

from flask import g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from .extensions import db, login_manager

log = logging.getLogger(__name__)

NEXT_STEP = {
    400: "Check what you sent and try again.",
    401: "Log in, then try again.",
    403: "If you think you should have access, ask your instructor.",
    404: "Check the address, or go back to your courses.",
    405: "Use the page's own form or button.",
    413: "Submit only your code: a .py file, a notebook, or a zip of them.",
    429: "Wait a minute, then try again.",
    503: "Your files and grades are safe. Try again in a minute.",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(status: int, title: str, message: str):
    next_step = NEXT_STEP.get(status, "")
    if wants_json():
        return {"error": title, "message": message, "next_step": next_step, "status": status}, status
    return render_template("error.html", status=status, title=title, message=message, next_step=next_step), status


def init_app(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, "Your form expired", "The page was open too long or came from elsewhere. "
                                                      "Reload the page and send the form again.")

    @app.errorhandler(413)
    def too_large(error):
        limit = app.config["MAX_CONTENT_LENGTH"] // 1024
        return render_error(413, "File too large", f"Uploads are limited to {limit} KB; nothing was stored.")

    @app.errorhandler(429)
    def too_many(error):
        return render_error(429, "Too many requests", f"You are going too fast ({error.description}).")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500, error.name, error.description or "")

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def database_down(error):
        log.error("database error: %s", error)
        db.session.rollback()
        # The page must not ask the database who is logged in (Flask-Login keeps the user in
        # g._login_user): render it as for a visitor, or rendering it fails the same way.
        g._login_user = login_manager.anonymous_user()
        return render_error(503, "The database is not answering",
                            "The grader cannot reach its database right now, so nothing could be read or saved.")

    @app.errorhandler(Exception)
    def unexpected(error):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("unexpected error on %s", request.path)
        return render_error(500, "Something went wrong on our side",
                            "The error has been logged. Nothing you had stored was lost.")

