"""A token's last use is written at most once a minute: polling a submission is not a write."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from server.extensions import db
from server.models import ApiToken
from tests.server.helpers import PASSWORD


def last_used(app):
    with app.app_context():
        value = db.session.scalar(select(ApiToken.last_used_at))
        db.session.remove()
        return value


def test_last_used_is_written_on_first_use_then_once_a_minute(app, client, world):
    token = client.post("/api/v1/tokens", json={"email": world.emails["student"], "password": PASSWORD}
                        ).get_json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert last_used(app) is None
    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    first = last_used(app)
    assert first is not None
    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    assert last_used(app) == first
    with app.app_context():
        db.session.scalar(select(ApiToken)).last_used_at = first - timedelta(minutes=2)
        db.session.commit()
    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    assert last_used(app) > first
