"""What a person sees when things go wrong (a database that is down), the headers every response
carries, and times shown in the course's time zone."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from server import create_app
from server.extensions import db
from server.models import Assignment
from tests.server.conftest import config_for
from tests.server.helpers import PASSWORD

DOWN = {"postgresql": "postgresql+psycopg://postgres@127.0.0.1:1/nothing_listens_here",
        "sqlite": "sqlite:////nonexistent-folder/for/grader.db"}


@pytest.mark.parametrize("database", sorted(DOWN))
def test_a_database_that_is_down_gives_a_503_page(app, client, auth, world, tmp_path, database):
    """Logged in on a working site; then the same session meets a site whose database is down."""
    auth.login(world.emails["student"])
    down = create_app(config_for(tmp_path, DOWN[database]), instance_path=str(tmp_path / "down"))
    visitor = down.test_client()
    visitor.set_cookie("session", client.get_cookie("session", domain="grader.test").value, domain="grader.test")
    for response in (visitor.get("/"), visitor.get(f"/assignments/{world.assignment_id}"),
                     down.test_client().post("/login", data={"email": "a@b.test", "password": PASSWORD})):
        assert response.status_code == 503
        assert b"The database is not answering" in response.data and b"Try again in a minute" in response.data
        assert b"Traceback" not in response.data and b"psycopg" not in response.data
    api = down.test_client().get("/api/v1/me", headers={"Authorization": "Bearer bpg_x"})
    assert api.status_code == 503 and api.get_json()["next_step"]
    health = down.test_client().get("/healthz")
    assert health.status_code == 503 and health.get_json()["database"] == "down"
    with down.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("path", ["/login", "/no-such-page", "/api/v1/openapi.json", "/api/v1/me"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_hold_no_inline_script(client, auth, world):
    auth.login(world.emails["instructor"])
    for path in ("/login", "/", f"/assignments/{world.assignment_id}", f"/staff/courses/{world.course_id}",
                 f"/staff/assignments/{world.assignment_id}/edit"):
        page = client.get(path).data.decode()
        assert "<script>" not in page and " onclick=" not in page and " style=" not in page, path


def test_times_are_shown_in_the_courses_time_zone(app, client, auth, world):
    with app.app_context():
        db.session.get(Assignment, world.assignment_id).due_at = datetime(2026, 12, 7, 22, 59, tzinfo=timezone.utc)
        db.session.commit()
    auth.login(world.emails["student"])
    assert b"Mon 7 Dec 2026, 23:59 (Europe/Paris)" in client.get(f"/assignments/{world.assignment_id}").data
    assert b"Mon 7 Dec 2026, 23:59" in client.get("/").data
    client.post("/logout")
    auth.login(world.emails["instructor"])
    assert b'value="2026-12-07T23:59"' in client.get(f"/staff/assignments/{world.assignment_id}/edit").data


def test_staff_enter_times_in_the_courses_time_zone(app, client, auth, world):
    auth.login(world.emails["instructor"])
    response = client.post(f"/staff/assignments/{world.assignment_id}/edit", data={
        "slug": "gates", "title": "Gates", "exercise": "gates", "points": "10", "due_at": "2026-07-01T12:00",
        "late_penalty_percent": "0", "late_days_allowed": "0", "limit_period": "total", "published": "y"})
    assert response.status_code == 303
    with app.app_context():
        # Paris is UTC+2 in July.
        assert db.session.get(Assignment, world.assignment_id).due_at == datetime(2026, 7, 1, 10, 0, tzinfo=timezone.utc)
