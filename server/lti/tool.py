"""PyLTI1p3 (the pylti1p3next release) bound to our database: registrations come from
`LtiPlatform` rows, and an OIDC login's state and nonce live in `LtiLoginState`, used once.

The library keeps state in the Flask session and a state cookie by default; inside an LMS iframe
the browser may refuse both, so we keep them server-side. The state cookie is still set, and
checked when the browser sends it back (it binds the launch to the browser that started it).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from flask import current_app
from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiKeyException
from pylti1p3.registration import Registration
from pylti1p3.service_connector import ServiceConnector
from pylti1p3.session import SessionService
from pylti1p3.tool_config.abstract import ToolConfAbstract
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..models import utcnow
from ..models.lti import LtiLoginState, LtiPlatform
from .keys import tool_key

LOGIN_STATE_SECONDS = 600
LMS_TIMEOUT_SECONDS = 15
PUBLIC_KEY_CACHE: dict[str, tuple[dict, datetime]] = {}


class LmsSession(requests.Session):
    """HTTP to an LMS with a timeout (the library sets none): a hung LMS must not hold a launch or a
    queue worker forever."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", LMS_TIMEOUT_SECONDS)
        return super().request(*args, **kwargs)


def lms_session() -> LmsSession:
    session = LmsSession()
    session.headers["User-Agent"] = "backprop-grader (LTI 1.3 tool)"
    return session


class LaunchRefused(Exception):
    """A launch we will not honour; the message says why, for the person in front of the LMS."""


class PlatformRegistration(Registration):
    """A library Registration that remembers which of our rows it came from."""
    platform_id: int


def registration_for(platform: LtiPlatform, instance_path: str) -> PlatformRegistration:
    key = tool_key(instance_path)
    registration = PlatformRegistration()
    registration.platform_id = platform.id
    (registration.set_issuer(platform.issuer).set_client_id(platform.client_id)
     .set_auth_login_url(platform.auth_login_url).set_auth_token_url(platform.auth_token_url)
     .set_key_set_url(platform.key_set_url).set_tool_private_key(key.private_pem)
     .set_tool_public_key(key.public_pem))
    if platform.token_audience:
        registration.set_auth_audience(platform.token_audience)
    return registration


def find_platform(session: Session, issuer: str, client_id: str | None) -> LtiPlatform | None:
    """The registration for this issuer and client id; without a client id (the OIDC login may omit
    it), the issuer's only registration."""
    rows = list(session.scalars(select(LtiPlatform).where(LtiPlatform.issuer == issuer)))
    if client_id:
        rows = [row for row in rows if row.client_id == client_id]
    return rows[0] if len(rows) == 1 else None


class DatabaseToolConf(ToolConfAbstract):
    """Every issuer may have several client ids (one per registration)."""

    def __init__(self, session: Session, instance_path: str):
        super().__init__()
        self.session, self.instance_path = session, instance_path

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss, *args, **kwargs):
        raise NotImplementedError     # never asked: every issuer may have many clients

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        platform = find_platform(self.session, iss, client_id)
        return registration_for(platform, self.instance_path) if platform else None

    def find_deployment(self, iss, deployment_id):
        raise NotImplementedError

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        platform = find_platform(self.session, iss, client_id)
        if platform is None or deployment_id not in (platform.deployment_ids or []):
            return None
        return Deployment().set_deployment_id(deployment_id)


@dataclass(frozen=True)
class LoginState:
    nonce: str
    platform_id: int
    expires_at: datetime


class DatabaseSessionService(SessionService):
    """Login state and nonce in the database, one row per login, consumed by the launch."""

    def __init__(self, request, session: Session):
        super().__init__(request)
        self.db = session
        self._nonce: str | None = None
        self.expected_nonce: str | None = None

    # At login the library saves the nonce, then (because we always pass params) the state's params.
    def save_nonce(self, nonce: str):
        self._nonce = nonce

    def save_state_params(self, state: str, params):
        self.db.add(LtiLoginState(state=state, nonce=self._nonce, platform_id=params["platform_id"],
                                  expires_at=utcnow() + timedelta(seconds=LOGIN_STATE_SECONDS)))
        self.db.commit()

    def consume_state(self, state: str) -> LoginState | None:
        """The login this state belongs to, deleted so that it serves one launch only."""
        row = self.db.scalar(select(LtiLoginState).where(LtiLoginState.state == state))
        if row is None:
            return None
        login = LoginState(row.nonce, row.platform_id, row.expires_at)
        taken = self.db.execute(delete(LtiLoginState).where(LtiLoginState.id == row.id)
                                .execution_options(synchronize_session=False)).rowcount
        self.db.commit()
        return login if taken == 1 and login.expires_at > utcnow() else None

    def check_nonce(self, nonce: str) -> bool:
        return self.expected_nonce is not None and secrets.compare_digest(nonce, self.expected_nonce)

    # The verified claims are handed to our own code directly; nothing is kept in the session.
    def save_launch_data(self, key, jwt_body):
        pass

    def set_state_valid(self, state, id_token_hash):
        pass

    def check_state_is_valid(self, state, id_token_hash) -> bool:
        return False


class CachingServiceConnector(ServiceConnector):
    """Access tokens cached per process, keyed by token URL and client id as well as scopes (the
    library's key is the issuer and scopes only, which two registrations of one issuer share)."""
    tokens: dict[str, tuple[str, datetime]] = {}

    def _scope_key(self, scopes) -> str:
        registration = self._registration
        return "|".join([registration.get_auth_token_url() or "", registration.get_client_id() or "", *sorted(scopes)])

    def _get_cached_access_token(self, scope_key: str) -> str | None:
        cached = self.tokens.get(scope_key)
        return cached[0] if cached and cached[1] > utcnow() else None

    def _cache_access_token(self, scope_key: str, access_token: str, expires_in: float):
        # A little early, so that a token never expires on its way to the platform.
        self.tokens[scope_key] = (access_token, utcnow() + timedelta(seconds=max(float(expires_in) - 30, 0)))


class GraderMessageLaunch(FlaskMessageLaunch):
    """The library's launch validation, with the state checked against our one-time rows."""

    def validate_state(self):
        state = self._get_request_param("state")
        if not state:
            raise LaunchRefused("The launch came without its login state. Open the tool again from your course.")
        cookie = self._cookie_service.get_cookie(state)
        if cookie is not None and cookie != state:
            raise LaunchRefused("This launch was started in another browser. Open the tool again from your course.")
        login = self._session_service.consume_state(state)
        if login is None:
            raise LaunchRefused("This launch was already used or has expired (a launch works once, within "
                                "10 minutes). Open the tool again from your course.")
        self._session_service.expected_nonce = login.nonce
        self.login_platform_id = login.platform_id
        return self

    def validate_registration(self):
        super().validate_registration()
        body = self._get_jwt_body()
        audiences = body.get("aud") if isinstance(body.get("aud"), list) else [body.get("aud")]
        client_id = self._registration.get_client_id()
        # Several audiences: the spec requires azp, naming us (validate_registration checks aud[0] only).
        if client_id not in audiences or (len(audiences) > 1 and body.get("azp") != client_id):
            raise LaunchRefused("This launch was meant for another tool.")
        if self._registration.platform_id != self.login_platform_id:
            raise LaunchRefused("This launch came from another platform than the one its login started with.")
        return self

    def fetch_public_key(self, key_set_url: str):
        """The platform's JWKS, fetched at most once a minute per process."""
        cached = PUBLIC_KEY_CACHE.get(key_set_url)
        if cached and cached[1] > utcnow():
            return cached[0]
        keys = super().fetch_public_key(key_set_url)
        PUBLIC_KEY_CACHE[key_set_url] = (keys, utcnow() + timedelta(seconds=60))
        return keys

    def get_public_key(self):
        """The key that signed the token; a key id not in the cached set fetches the set again once
        (the platform rotated its keys)."""
        try:
            return super().get_public_key()
        except LtiKeyException:
            if PUBLIC_KEY_CACHE.pop(self._registration.get_key_set_url(), None) is None:
                raise
            self._registration.set_key_set(None)
            return super().get_public_key()


def services(session: Session):
    """(tool config, a library request, our session service) for the current request."""
    request = FlaskRequest()
    instance = current_app.instance_path
    return DatabaseToolConf(session, instance), request, DatabaseSessionService(request, session)


def login_for(session: Session) -> FlaskOIDCLogin:
    """The library's login initiation, with our tool config and session service."""
    tool_conf, request, session_service = services(session)
    return FlaskOIDCLogin(request, tool_conf, session_service=session_service)


def launch_for(session: Session) -> GraderMessageLaunch:
    """The launch validator for the current request, with a timeout on its JWKS fetch."""
    tool_conf, request, session_service = services(session)
    return GraderMessageLaunch(request, tool_conf, session_service=session_service, requests_session=lms_session())


def connector(platform: LtiPlatform, instance_path: str) -> CachingServiceConnector:
    """A service connector (AGS, NRPS) for a platform, outside any launch (in a queue task)."""
    return CachingServiceConnector(registration_for(platform, instance_path), lms_session())
