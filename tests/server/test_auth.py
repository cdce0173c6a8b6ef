"""Logging in and out, `next`, sessions ended by a password change, rate limits, API tokens."""
from __future__ import annotations

import hashlib
from urllib.parse import quote

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import ApiToken
from tests.server.helpers import PASSWORD, upload

NEW_PASSWORD = "another long passphrase"


def test_login_and_logout(app, client, auth, world):
    assert client.get("/").status_code == 302
    response = auth.login(world.emails["student"].upper())
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert b"Backprop 101" in client.get("/").data
    assert auth.logout().status_code == 302
    assert client.get("/").status_code == 302


def test_a_wrong_password_says_so_and_logs_nobody_in(client, auth, world):
    for email, password in ((world.emails["student"], "wrong password"), ("nobody@uni.test", PASSWORD)):
        response = auth.login(email, password)
        assert response.status_code == 200
        assert b"That email and password do not match an account" in response.data
        assert client.get("/").status_code == 302


@pytest.mark.parametrize("target,followed", [
    ("/assignments/1", "/assignments/1"),
    ("/staff/courses/1?tab=people", "/staff/courses/1?tab=people"),
    ("//evil.test/phish", "/"),
    ("https://evil.test/phish", "/"),
    ("/\\evil.test/phish", "/"),
    ("/\t/evil.test/phish", "/"),
    ("evil.test", "/"),
])
def test_next_is_followed_only_to_this_site(client, world, target, followed):
    response = client.post(f"/login?next={quote(target)}", data={"email": world.emails["student"],
                                                                 "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == followed


def test_the_login_redirect_remembers_the_page(client, world):
    response = client.get("/account")
    assert response.status_code == 302 and "next=" in response.headers["Location"]
    back = client.post(response.headers["Location"], data={"email": world.emails["student"], "password": PASSWORD})
    assert back.headers["Location"] == "/account"


def test_a_password_change_logs_out_every_other_session(app, world):
    here, elsewhere = app.test_client(), app.test_client()
    for client in (here, elsewhere):
        assert client.post("/login", data={"email": world.emails["student"], "password": PASSWORD}).status_code == 302
    wrong = here.post("/account", data={"pw-current": "not it", "pw-password": NEW_PASSWORD,
                                        "pw-confirm": NEW_PASSWORD})
    assert b"Your current password is not right" in wrong.data
    assert elsewhere.get("/").status_code == 200
    changed = here.post("/account", data={"pw-current": PASSWORD, "pw-password": NEW_PASSWORD,
                                          "pw-confirm": NEW_PASSWORD})
    assert changed.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    fresh = app.test_client()
    assert fresh.post("/login", data={"email": world.emails["student"], "password": PASSWORD}).status_code == 200
    assert fresh.post("/login", data={"email": world.emails["student"], "password": NEW_PASSWORD}).status_code == 302


@pytest.fixture
def rate_limited(app_config):
    app_config.update(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute", RATELIMIT_SUBMIT="2 per minute")


def test_login_attempts_are_rate_limited(rate_limited, app, client, auth, world):
    for _ in range(3):
        assert auth.login(world.emails["student"], "wrong password").status_code == 200
    response = auth.login(world.emails["student"])
    assert response.status_code == 429
    assert b"Too many requests" in response.data and b"Wait a minute" in response.data
    assert client.get("/login").status_code == 200        # only POSTs count
    api = client.post("/api/v1/tokens", json={"email": world.emails["student"], "password": PASSWORD})
    assert api.status_code == 201                         # its own limit, not the page's


def test_submissions_are_rate_limited(rate_limited, app, client, auth, world):
    auth.login(world.emails["student"])
    for _ in range(2):
        assert upload(client, world.assignment_id, "notes.txt", b"not code").status_code == 303
    response = upload(client, world.assignment_id, "notes.txt", b"not code")
    assert response.status_code == 429 and b"Too many requests" in response.data


def test_an_api_token_is_hashed_at_rest_and_can_be_revoked(app, client, auth, world):
    created = client.post("/api/v1/tokens", json={"email": world.emails["student"], "password": PASSWORD,
                                                  "label": "laptop"})
    assert created.status_code == 201
    token = created.get_json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=bearer).get_json()["user"]["email"] == world.emails["student"]
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() and row.last_used_at is not None
        for table in db.metadata.sorted_tables:
            for values in db.session.execute(table.select()).all():
                assert not any(token in str(value) for value in values), table.name
    wrong = client.post("/api/v1/tokens", json={"email": world.emails["student"], "password": "nope"})
    assert wrong.status_code == 401 and wrong.get_json()["message"]
    auth.login(world.emails["student"])
    assert b"laptop" in client.get("/account").data
    assert client.post(f"/account/tokens/{row.id}/revoke").status_code == 302
    refused = app.test_client().get("/api/v1/me", headers=bearer)
    assert refused.status_code == 401 and "Bearer" in refused.get_json()["message"]
    assert app.test_client().get("/api/v1/me", headers={"Authorization": "Bearer bpg_madeup"}).status_code == 401


def test_the_account_page_shows_a_new_token_once(app, client, auth, world):
    auth.login(world.emails["student"])
    page = client.post("/account", data={"tok-label": "cli"})
    assert b"shown only once" in page.data
    assert b"shown only once" not in client.get("/account").data
