"""Living in an LMS iframe: the session cookie of an LTI launch is SameSite=None (the frame is a
third party to the LMS page), pages of an LTI session may be framed by the launching platform only,
and a launch whose cookie the browser refused is finished in a new window with a one-time token."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, g, session
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import User, utcnow
from ..models.lti import LtiLaunchToken, LtiPlatform
from ..passwords import new_token, token_hash

LAUNCH_TOKEN_SECONDS = 120
SESSION_KEY = "lti"          # in the session of a user who arrived by an LTI launch


class LtiSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session; a session that came from an LTI launch is sent with
    SameSite=None; Secure; Partitioned, so the browser keeps it inside the LMS's iframe."""

    def _lti(self) -> bool:
        return bool(session.get(SESSION_KEY)) if _in_request() else False

    def get_cookie_samesite(self, app):
        return "None" if self._lti() else super().get_cookie_samesite(app)

    def get_cookie_secure(self, app):
        return True if self._lti() else super().get_cookie_secure(app)

    def get_cookie_partitioned(self, app):
        return True if self._lti() else super().get_cookie_partitioned(app)


def _in_request() -> bool:
    from flask import has_request_context
    return has_request_context()


def origin(url: str) -> str | None:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def platform_origins(platform: LtiPlatform) -> list[str]:
    """Where the platform's pages live: its frame origins as registered, else its issuer's and login
    endpoint's origins."""
    found = [origin(url) for url in (platform.frame_origins or [])] or \
        [origin(platform.issuer), origin(platform.auth_login_url)]
    return sorted({o for o in found if o})


def all_platform_origins(db: Session) -> list[str]:
    return sorted({o for p in db.scalars(select(LtiPlatform)) for o in platform_origins(p)})


def allow_framing(origins: list[str]) -> None:
    """This response may be framed by these origins (server.security reads it)."""
    g.frame_ancestors = sorted(set(getattr(g, "frame_ancestors", []) or []) | set(origins))


def allow_form_action(origins: list[str]) -> None:
    """This page's form may post to these origins (the deep-linking return goes to the LMS)."""
    g.form_action = sorted(set(getattr(g, "form_action", []) or []) | set(origins))


def frame_from_session() -> None:
    """Before every request: pages of an LTI session may be framed by the launching platform."""
    data = session.get(SESSION_KEY) or {}
    if data.get("origins"):
        allow_framing(list(data["origins"]))


def issue_launch_token(db: Session, user: User, platform: LtiPlatform, target: str) -> str:
    token, digest = new_token("lti")
    db.add(LtiLaunchToken(token_hash=digest, user_id=user.id, platform_id=platform.id, target=target,
                          expires_at=utcnow() + timedelta(seconds=current_app.config["LTI_LAUNCH_TOKEN_SECONDS"])))
    return token


def redeem_launch_token(db: Session, token: str) -> LtiLaunchToken | None:
    """The launch behind the token, if unused and unexpired; it is used up now (one window per launch)."""
    row = db.scalar(select(LtiLaunchToken).where(LtiLaunchToken.token_hash == token_hash(token)))
    if row is None or row.used_at is not None or row.expires_at < utcnow():
        return None
    taken = db.execute(update(LtiLaunchToken).where(LtiLaunchToken.id == row.id, LtiLaunchToken.used_at.is_(None))
                       .values(used_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    db.commit()
    return row if taken == 1 else None


def purge_expired(db: Session, now=None) -> int:
    """Delete login states and launch tokens past their time (abandoned logins, unused links)."""
    from sqlalchemy import delete

    from ..models.lti import LtiLoginState
    now = now or utcnow()
    gone = db.execute(delete(LtiLoginState).where(LtiLoginState.expires_at < now)).rowcount
    gone += db.execute(delete(LtiLaunchToken).where(LtiLaunchToken.expires_at < now)).rowcount
    db.commit()
    return gone


def forget_on_logout(_app, user=None) -> None:
    """Logging out ends the LTI session too: its pages are no longer framable, its cookie no longer
    SameSite=None."""
    session.pop(SESSION_KEY, None)
