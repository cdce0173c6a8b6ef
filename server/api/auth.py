"""Bearer-token authentication for the API, once for the whole blueprint."""
from __future__ import annotations

from flask import abort, g, request

from ..accounts import user_for_api_token
from ..extensions import db

OPEN_ENDPOINTS = {"api.create_token", "api.openapi"}


def authenticate() -> None:
    """Set g.user from `Authorization: Bearer TOKEN`, or refuse with 401."""
    if request.endpoint in OPEN_ENDPOINTS:
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user = user_for_api_token(db.session, token.strip()) if scheme.lower() == "bearer" and token else None
    if user is None:
        abort(401, "Send an API token as 'Authorization: Bearer TOKEN'. Get one with `grade login URL` "
                   "or on your account page.")
    if db.session.dirty:
        db.session.commit()     # last_used_at, at most once a minute
    g.user = user
