"""Staff pages (instructors and TAs): courses, rosters, assignments, extensions, queue problems.

Who may see what is decided in server.authz; this blueprint only requires a login, once.
"""
from flask import Blueprint
from flask_login import login_required

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.before_request
@login_required
def require_login() -> None:
    """Every staff page needs a logged-in user; authz decides the rest per course."""


from . import routes  # noqa: E402,F401
