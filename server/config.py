"""Configuration: defaults here, then the instance folder's secrets, then the environment.

Secrets are never committed defaults: SECRET_KEY and GRADING_SECRET come from the environment or
are generated once into the instance folder (mode 0600) and read back on every start.
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

DEFAULTS = {
    # The embedded default: a SQLite file in the instance folder (set DATABASE_URL for PostgreSQL).
    "DATABASE_URL": None,
    # Empty: an embedded SQLite queue in the instance folder. redis://... for several workers.
    "REDIS_URL": None,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,        # the largest upload, in bytes
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": True,                 # `grade serve` on loopback http turns this off
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SECURE": True,
    "PERMANENT_SESSION_LIFETIME": timedelta(days=14),
    "WTF_CSRF_TIME_LIMIT": None,                   # a token lives as long as the session
    # Rate limits (flask-limiter syntax); storage follows REDIS_URL so several web processes agree.
    "RATELIMIT_LOGIN": "10 per minute",
    "RATELIMIT_SUBMIT": "10 per minute",
    "RATELIMIT_ENABLED": True,
    # The queue: how long a worker owns a claimed submission before another may take it over, how
    # many times our own failures may stop a grade before it is marked `error`, and how long a row
    # may sit queued (with work in the queue ahead of it) before the reaper re-enqueues it anyway.
    "GRADING_LEASE_SECONDS": 300,
    "GRADING_MAX_ATTEMPTS": 3,
    "GRADING_STALE_QUEUED_SECONDS": 900,
    # A queued row while the queue is empty was lost (Redis restarted, a crash right after the
    # commit) once it is older than this; enqueueing takes milliseconds after the commit.
    "GRADING_LOST_GRACE_SECONDS": 10,
    "GRADING_REAP_SECONDS": 30,
    "GRADING_HEARTBEAT_SECONDS": 10,      # a worker says it is alive this often (queue health)
    # The SQLite queue is polled (Redis blocks until a message comes): an idle worker looks at least
    # this often, instead of Huey's default backoff to 10 s, which a first upload after a quiet spell
    # would wait out before grading even started.
    "GRADING_POLL_SECONDS": 0.5,
    "GRADING_BUDGET_SECONDS": 60,
    "QUEUE_IMMEDIATE": False,                      # tests: run tasks in the calling thread
    "INVITATION_DAYS": 30,
    "GRADER_COURSE": None,                         # the course directory (exercises/, reference/)
    "SITE_NAME": "Backprop grader",
    "PROXY_HOPS": 0,                               # reverse proxies in front (X-Forwarded-For is trusted that deep)
    # Invitations by email (server.mail): GRADER_SMTP_HOST=smtp.uni.edu GRADER_MAIL_FROM=grader@uni.edu ...
    # No SMTP_HOST: links are shown, copied and downloaded only.
    "SMTP_HOST": None,
    "SMTP_PORT": 587,
    "SMTP_USERNAME": None,
    "SMTP_PASSWORD": None,
    "SMTP_SECURITY": "starttls",                   # starttls, ssl or none (a local relay)
    "SMTP_TIMEOUT": 20,
    "MAIL_FROM": None,
}


def load_config(app, overrides: dict | None) -> None:
    """Fill app.config: defaults, secrets from the instance folder, the environment, then `overrides`."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("GRADER")   # GRADER_SITE_NAME=..., GRADER_RATELIMIT_ENABLED=false
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "GRADING_SECRET", "GRADER_COURSE"):
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    if overrides:
        app.config.update(overrides)
    instance = Path(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(instance / "secret_key")
    if not app.config.get("GRADING_SECRET"):
        app.config["GRADING_SECRET"] = instance_secret(instance / "grading_secret")
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'grader.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["DATABASE_URL"])
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config["SQLALCHEMY_DATABASE_URI"]))
    app.config["RATELIMIT_STORAGE_URI"] = app.config.get("REDIS_URL") or "memory://"
    app.config["RATELIMIT_HEADERS_ENABLED"] = True


def normalise_database_url(url: str) -> str:
    """postgres:// and postgresql:// (as hosting services write them) use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        # Several threads of the web server and a worker share one file; wait instead of failing.
        return {"connect_args": {"timeout": 30}}
    # A database that went away and came back: test connections before handing them out.
    return {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 10}


def instance_secret(path: Path) -> str:
    """The secret stored at `path`, generated (mode 0600) on first use."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    value = secrets.token_urlsafe(48)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    try:
        descriptor = os.open(path, flags, 0o600)
    except FileExistsError:      # another process wrote it first: use theirs
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(value + "\n")
    return value
