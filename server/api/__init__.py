"""The JSON API under /api/v1: submit, poll, my submissions; staff: courses, rosters, grades.

Authentication is a bearer token (`grade login` makes one), never the session cookie, so a
forged cross-site form has nothing to ride on. Errors are JSON: {"error", "message", "next_step"}.
"""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import routes  # noqa: E402,F401
