"""Fixtures for the web app (the flaskr set: app, client, runner, auth), on SQLite and PostgreSQL.

Every test that uses `app` runs twice: on a fresh SQLite file and on a PostgreSQL database made
for this test session (GRADER_TEST_POSTGRES_URL, default: the local server's `postgres` database
as the admin connection). The queue is a real SqliteHuey in the test's instance folder; tests
drain it with `drain(app)`, which runs what a worker would.
"""
from __future__ import annotations

import os
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from server import create_app
from server.extensions import db
from server.models import Course, Role
from tests.server.helpers import PASSWORD, World, drain, make_assignment, make_user

POSTGRES_ADMIN_URL = os.environ.get("GRADER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Argon2 at its lightest: real hashes, but a login costs milliseconds, not most of a second."""
    from server import passwords
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture(scope="session")
def postgres_database():
    """A PostgreSQL database for this test session, dropped at the end."""
    name = f"grader_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'grader.db'}"
    return request.getfixturevalue("postgres_database")


def config_for(tmp_path: Path, database_url: str, **extra) -> dict:
    return {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key",
            "GRADING_SECRET": "test-grading-secret", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
            "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False, "SERVER_NAME": "grader.test",
            **extra}


@pytest.fixture
def app_config(tmp_path, database_url) -> dict:
    """Tests may change this before `app` is first used."""
    return config_for(tmp_path, database_url)


@pytest.fixture
def app(tmp_path, app_config):
    application = create_app(app_config, instance_path=str(tmp_path / "instance"))
    with application.app_context():
        if application.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            db.drop_all()
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        if application.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = PASSWORD):
        return self._client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def world(app) -> World:
    """Roles: instructor, ta, student, other (another student), outsider (in another course), admin."""
    with app.app_context():
        course = Course(code="bp101", title="Backprop 101", timezone="Europe/Paris")
        other_course = Course(code="other", title="Other course", timezone="UTC")
        db.session.add_all([course, other_course])
        db.session.flush()
        emails = {"instructor": "prof@uni.test", "ta": "ta@uni.test", "student": "ana@uni.test",
                  "other": "bo@uni.test", "outsider": "out@uni.test", "admin": "root@uni.test"}
        make_user(emails["instructor"], Role.INSTRUCTOR, course)
        make_user(emails["ta"], Role.TA, course)
        make_user(emails["student"], Role.STUDENT, course)
        make_user(emails["other"], Role.STUDENT, course)
        make_user(emails["outsider"], Role.INSTRUCTOR, other_course)
        make_user(emails["admin"], admin=True)
        assignment = make_assignment(course)
        db.session.commit()
        return World(course.id, assignment.id, emails)




@dataclass
class LiveSite:
    url: str
    worker_running: threading.Event     # clear it to hold the worker (rows stay queued), set it to resume


@pytest.fixture
def live_site(tmp_path):
    """The app on a free port of loopback, with a worker thread draining its queue."""
    app = create_app({"TESTING": False, "DATABASE_URL": f"sqlite:///{tmp_path / 'grader.db'}",
                      "SECRET_KEY": "browser-test", "GRADING_SECRET": "browser-test", "RATELIMIT_ENABLED": False,
                      "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False},
                     instance_path=str(tmp_path / "instance"))
    with app.app_context():
        db.create_all()
        course = Course(code="bp101", title="Backprop 101", timezone="America/New_York")
        db.session.add(course)
        db.session.flush()
        make_user("ana@uni.test", Role.STUDENT, course, name="Ana Student")
        make_assignment(course, slug="gates", title="Gates: forward and backward", points=20.0)
        make_assignment(course, slug="ninja", exercise="ninja", title="Backprop ninja: the makemore MLP", points=26.0)
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stopping, working = threading.Event(), threading.Event()
    working.set()

    def work() -> None:      # a worker that polls the queue; a test may hold it to watch a row wait
        while not stopping.wait(0.3):
            if working.is_set():
                drain(app)
    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    yield LiveSite(f"http://127.0.0.1:{server.server_port}", working)
    stopping.set()
    worker.join(timeout=30)
    server.shutdown()
    with app.app_context():
        db.engine.dispose()
