"""The web app: students submit and read their feedback; staff run their courses.

`create_app(config=None)` builds it (the flaskr pattern): defaults, the instance folder's secrets,
the environment, then `config`. It has no side effects beyond creating the instance folder: the
schema comes from migrations (`flask --app server db upgrade`, run by `grade serve`).
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from .config import load_config
from .extensions import csrf, db, limiter, login_manager, migrate

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(config: dict | None = None, instance_path: str | None = None) -> Flask:
    """The application factory; `config` overrides everything else (tests pass theirs here)."""
    instance_path = instance_path or (config or {}).get("INSTANCE_PATH") or os.environ.get("GRADER_INSTANCE")
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    load_config(app, config)
    from . import bounds
    bounds.init_app(app)
    if app.config["PROXY_HOPS"]:
        # Behind N reverse proxies: take the client's address from X-Forwarded-For, so rate
        # limits count each student, not the proxy.
        from werkzeug.middleware.proxy_fix import ProxyFix
        hops = int(app.config["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    from .queue import GradingQueue
    app.extensions["grading_queue"] = GradingQueue(app)

    from . import auth, errors, health, security, views_support
    from .api import bp as api_bp
    from .staff import bp as staff_bp
    from .student import bp as student_bp
    auth.init_app(app)
    app.register_blueprint(student_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)          # bearer tokens, never cookies: nothing for a forged form to ride on
    errors.init_app(app)
    security.init_app(app)
    views_support.init_app(app)
    health.init_app(app)
    from . import dashboard, lti
    dashboard.init_app(app)
    lti.init_app(app)
    return app


def grading_queue():
    """The current app's queue."""
    from flask import current_app
    return current_app.extensions["grading_queue"]
