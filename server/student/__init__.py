"""The student's pages: my assignments, one assignment (upload, history), one submission."""
from flask import Blueprint
from flask_login import login_required

bp = Blueprint("student", __name__)


@bp.before_request
@login_required
def require_login() -> None:
    """Every student page needs a logged-in user (once here, not on every view)."""


from . import routes  # noqa: E402,F401
