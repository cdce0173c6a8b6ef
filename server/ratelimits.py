"""The limits the login and submit views share, read from the config at request time (so a test or
an instance can change them), and the key that counts a logged-in person rather than an address."""
from __future__ import annotations

from flask import current_app, g, request
from flask_login import current_user

from .extensions import limiter


def login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def submit_limit() -> str:
    return current_app.config["RATELIMIT_SUBMIT"]


def per_user() -> str:
    """The API's token user (g.user) or the session's user; the client's address for nobody."""
    user = getattr(g, "user", None) or (current_user if current_user.is_authenticated else None)
    return f"user:{user.id}" if user is not None else request.remote_addr or "?"


def submission_rate_limit(view):
    """The one submission limit of a person, shared by the web upload and the API (one count for
    both: each its own would let web plus API submit twice as often as the documented limit)."""
    return limiter.shared_limit(submit_limit, scope="submissions", key_func=per_user)(view)
