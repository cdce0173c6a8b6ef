"""Logging in and out, invitations (set a password once), and one's own account."""
from __future__ import annotations

from flask import Blueprint

from ..extensions import db, login_manager
from ..models import User

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The session holds "id:version"; a password change bumps the version and ends old sessions."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.session_version == int(version) else None


def init_app(app) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in to see that page."
    login_manager.session_protection = "strong"
    from . import routes  # noqa: F401  (registers the views on bp)
    app.register_blueprint(bp)
