"""LTI 1.3 Advantage: the grader inside Canvas, Moodle and Blackboard.

- tool.py: PyLTI1p3 (pylti1p3next) bound to our database (registrations, one-time login state)
- keys.py: our RSA key pair in the instance folder, and its JWKS
- claims.py, mapping.py: a verified launch read and mapped to a course, an account, a role
- frames.py: cookies and framing inside an LMS iframe; the new-window finish of a launch
- passback.py, roster.py, tasks.py: grades to the LMS (AGS) and rosters from it (NRPS), queued;
  gradebook.py: the grade of record they send (server.gradebook)
- refusals.py: why a launch was refused, in words for the person in front of the LMS
- registry.py: registering platforms, and the configuration an LMS admin pastes
- routes.py (the LMS's endpoints), admin_routes.py (admins' and staff's pages), cli.py
"""
from __future__ import annotations

from flask import Blueprint
from flask_login import user_logged_out

bp = Blueprint("lti", __name__, url_prefix="/lti")


def init_app(app) -> None:
    """Register the endpoints, the LTI-aware session cookie, the queue tasks and the grade listener."""
    from ..extensions import csrf
    from . import admin_routes, frames, routes, tasks  # noqa: F401  (registers the views on bp)
    # Defaults beside the feature (GRADER_LTI_... in the environment overrides them).
    app.config.setdefault("LTI_LAUNCH_TOKEN_SECONDS", frames.LAUNCH_TOKEN_SECONDS)
    app.config.setdefault("LTI_PASSBACK_LEASE_SECONDS", 120)
    app.config.setdefault("LTI_ROSTER_SYNC_SECONDS", 6 * 3600)
    app.session_interface = frames.LtiSessionInterface()
    app.before_request(frames.frame_from_session)
    user_logged_out.connect(frames.forget_on_logout, app)
    app.register_blueprint(bp)
    # The LMS posts these from its own pages (no CSRF token of ours to send); each is protected by
    # what it carries instead: a signed id_token with a one-time state, or a signed pick token.
    for view in (routes.login, routes.launch, routes.deep_link_pick):
        csrf.exempt(view)
    tasks.init_app(app)
