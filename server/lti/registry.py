"""Registering LMS platforms (the admin page and `grade admin lti` share these checks), and what an
LMS admin pastes on their side: Canvas's developer-key JSON and Moodle's field list."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models.lti import LtiPlatform
from .claims import TOOL_SCOPES


class RegistrationError(Exception):
    """The registration cannot be saved as given; nothing was changed."""


@dataclass
class PlatformFields:
    name: str
    issuer: str
    client_id: str
    deployment_ids: list[str]
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    token_audience: str = ""
    frame_origins: list[str] | None = None


def _is_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("https", "http") and bool(parts.netloc)


def check(fields: PlatformFields) -> list[str]:
    """Every problem with the fields, in words an admin can act on."""
    problems = []
    for label, value in (("name", fields.name), ("issuer", fields.issuer), ("client id", fields.client_id)):
        if not value.strip():
            problems.append(f"The {label} is required.")
    if not [d for d in fields.deployment_ids if d.strip()]:
        problems.append("At least one deployment id is required (the LMS shows it after the tool is deployed).")
    for label, value in (("issuer", fields.issuer), ("OIDC authorization URL", fields.auth_login_url),
                         ("access token URL", fields.auth_token_url), ("public keyset URL", fields.key_set_url)):
        if value.strip() and not _is_url(value.strip()):
            problems.append(f"The {label} must be an http(s) URL, not {value!r}.")
    for value in fields.frame_origins or []:
        if not _is_url(value):
            problems.append(f"The LMS web address {value!r} must be an http(s) URL such as https://school.instructure.com.")
    return problems


def add_platform(session: Session, fields: PlatformFields) -> LtiPlatform:
    """Save a new registration (the caller commits); RegistrationError says what to fix."""
    problems = check(fields)
    duplicate = session.scalar(select(LtiPlatform.id).where(LtiPlatform.issuer == fields.issuer.strip(),
                                                            LtiPlatform.client_id == fields.client_id.strip()))
    if duplicate is not None:
        problems.append(f"This issuer and client id are registered already (platform {duplicate}).")
    if problems:
        raise RegistrationError(" ".join(problems))
    platform = LtiPlatform(name=fields.name.strip()[:200], issuer=fields.issuer.strip(),
                           client_id=fields.client_id.strip(),
                           deployment_ids=sorted({d.strip() for d in fields.deployment_ids if d.strip()}),
                           auth_login_url=fields.auth_login_url.strip(), auth_token_url=fields.auth_token_url.strip(),
                           key_set_url=fields.key_set_url.strip(), token_audience=fields.token_audience.strip() or None,
                           frame_origins=[o.strip().rstrip("/") for o in fields.frame_origins or [] if o.strip()])
    session.add(platform)
    session.flush()
    return platform


def split_list(text: str) -> list[str]:
    """'a, b\\nc' -> ['a', 'b', 'c']: the form's and the CLI's way of giving several values."""
    return [item.strip() for chunk in (text or "").splitlines() for item in chunk.split(",") if item.strip()]


@dataclass(frozen=True)
class ToolUrls:
    """Our side of the registration: what the LMS admin copies."""
    base: str
    login: str
    launch: str
    jwks: str
    deep_link: str
    config_json: str


def canvas_config(urls: ToolUrls, title: str) -> dict:
    """Canvas's developer key, "Paste JSON" (LTI 1.3): deep linking from the assignment and module
    pickers, a course navigation link, grade and roster services, names and emails shared."""
    host = urlsplit(urls.base).hostname or ""
    return {
        "title": title,
        "description": "Backprop assignments graded by hidden gradient checks, with feedback students can act on.",
        "oidc_initiation_url": urls.login,
        "target_link_uri": urls.launch,
        "public_jwk_url": urls.jwks,
        "scopes": TOOL_SCOPES,
        "extensions": [{
            "domain": host,
            "tool_id": "backprop-grader",
            "platform": "canvas.instructure.com",
            "privacy_level": "public",
            "settings": {
                "text": title,
                "placements": [
                    {"placement": "assignment_selection", "message_type": "LtiDeepLinkingRequest",
                     "target_link_uri": urls.launch},
                    {"placement": "link_selection", "message_type": "LtiDeepLinkingRequest",
                     "target_link_uri": urls.launch},
                    {"placement": "course_navigation", "message_type": "LtiResourceLinkRequest",
                     "target_link_uri": urls.launch, "default": "enabled"},
                ],
            },
        }],
        "custom_fields": {},
    }


def moodle_fields(urls: ToolUrls, title: str) -> list[tuple[str, str]]:
    """Moodle's "Manage tools > configure a tool manually" form, field by field."""
    return [
        ("Tool name", title),
        ("Tool URL", urls.launch),
        ("LTI version", "LTI 1.3"),
        ("Public key type", "Keyset URL"),
        ("Public keyset", urls.jwks),
        ("Initiate login URL", urls.login),
        ("Redirection URI(s)", urls.launch),
        ("Supports Deep Linking (Content-Item Message)", "checked"),
        ("Content Selection URL", urls.launch),
        ("Default launch container", "Embed, without blocks (or New window)"),
        ("Services > IMS LTI Assignment and Grade Services", "Use this service for grade sync and column management"),
        ("Services > IMS LTI Names and Role Provisioning", "Use this service to retrieve members' information as per privacy settings"),
        ("Privacy > Share launcher's name with tool", "Always"),
        ("Privacy > Share launcher's email with tool", "Always"),
    ]
