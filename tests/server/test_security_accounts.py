"""Issue 22, accounts: no instructor takes over an account through its invitation link, a roster
changes no one outside its course, sessions end on logout and password change, and logging in
tells nothing about which accounts exist."""
from __future__ import annotations

import io
import re

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from server import accounts, passwords
from server.authz import role_in
from server.extensions import db
from server.models import ApiToken, Course, Enrolment, Role, User
from tests.server.helpers import PASSWORD, upload

NEW_PASSWORD = "a long enough passphrase"
LINK = re.compile(rb"/invite/(inv_[A-Za-z0-9_-]+)")


def passwordless(email: str, role: Role | None = None, course_id: int | None = None, admin: bool = False) -> str:
    """An account that has not set its password yet, and the owner's own invitation link token."""
    user = User(email=email, name="Owner Name", password_hash=None, is_admin=admin)
    db.session.add(user)
    db.session.flush()
    if role is not None:
        db.session.add(Enrolment(course_id=course_id, user_id=user.id, role=role))
    token = accounts.invite(db.session, user, days=7)
    db.session.commit()
    return token


def other_course_id(world) -> int:
    return db.session.scalar(select(Course.id).where(Course.code == "other"))


@pytest.mark.parametrize("kind", ["student elsewhere", "admin", "no course yet"])
def test_adding_staff_never_shows_the_link_of_an_account_that_exists_elsewhere(app, client, auth, world, kind):
    with app.app_context():
        owner_token = passwordless("victim@uni.test", *{
            "student elsewhere": (Role.STUDENT, other_course_id(world)), "admin": (None, None, True),
            "no course yet": ()}[kind])
    auth.login(world.emails["instructor"])
    added = client.post(f"/staff/courses/{world.course_id}/staff", data={"email": "victim@uni.test", "role": "ta"})
    page = client.get(added.headers["Location"]).data
    assert not LINK.search(page)
    csv = client.post(f"/staff/courses/{world.course_id}/invitations").data
    assert not LINK.search(csv)
    # The owner's own link still works, and only it can set the password.
    assert app.test_client().get(f"/invite/{owner_token}").status_code == 200
    if kind == "admin":
        assert b"site admin" in page
        with app.app_context():
            admin = accounts.user_by_email(db.session, "victim@uni.test")
            assert role_in(admin, world.course_id) is Role.INSTRUCTOR      # not demoted to TA
    else:
        assert b"its owner sets it with the invitation link" in page


def test_adding_a_new_person_as_staff_still_shows_their_link(app, client, auth, world):
    auth.login(world.emails["instructor"])
    added = client.post(f"/staff/courses/{world.course_id}/staff", data={"email": "new.ta@uni.test", "role": "ta"})
    token = LINK.search(client.get(added.headers["Location"]).data).group(1).decode()
    assert app.test_client().get(f"/invite/{token}").status_code == 200


def test_a_roster_renames_no_one_outside_the_course_and_refuses_staff_and_admins_per_line(app, client, auth, world):
    with app.app_context():
        owner_token = passwordless("elsewhere@uni.test", Role.STUDENT, other_course_id(world))
    roster = ("name,email\n"
              f"Renamed Instructor,{world.emails['outsider']}\n"
              f"Renamed Admin,{world.emails['admin']}\n"
              f"Renamed TA,{world.emails['ta']}\n"
              "Renamed Student,elsewhere@uni.test\n"
              "Cy Young,cy@uni.test\n").encode()
    auth.login(world.emails["instructor"])
    page = client.post(f"/staff/courses/{world.course_id}/roster", content_type="multipart/form-data",
                       data={"roster": (io.BytesIO(roster), "roster.csv")})
    assert page.status_code == 200
    text = page.data.decode()
    assert f"line 2: {world.emails['outsider']} is staff of another course" in text
    assert f"line 3: {world.emails['admin']} is a site admin" in text
    assert f"line 4: {world.emails['ta']} is staff of this course" in text
    links = LINK.findall(page.data)
    assert len(set(links)) == 1                              # Cy's, a new account (shown for copying too)
    with app.app_context():
        names = dict(db.session.execute(select(User.email, User.name)).all())
        assert not any(name.startswith("Renamed") for name in names.values()), names
        assert names["cy@uni.test"] == "Cy Young"
        roles = dict(db.session.execute(select(User.email, Enrolment.role).join(Enrolment)
                                        .where(Enrolment.course_id == world.course_id)).all())
        assert world.emails["admin"] not in roles and world.emails["outsider"] not in roles
        assert roles[world.emails["ta"]] is Role.TA
        assert roles["cy@uni.test"] is Role.STUDENT and roles["elsewhere@uni.test"] is Role.STUDENT
    assert app.test_client().get(f"/invite/{owner_token}").status_code == 200
    admin = app.test_client()
    admin.post("/login", data={"email": world.emails["admin"], "password": PASSWORD})
    assert admin.get(f"/staff/courses/{world.course_id}").status_code == 200     # still staff there


def test_the_api_roster_import_refuses_and_keeps_names_the_same_way(app, client, world):
    with app.app_context():
        passwordless("elsewhere@uni.test", Role.STUDENT, other_course_id(world))
    token = client.post("/api/v1/tokens", json={"email": world.emails["instructor"], "password": PASSWORD}).get_json()
    response = client.post(f"/api/v1/courses/{world.course_id}/roster", headers={"Authorization": f"Bearer {token['token']}"},
                           data=f"name,email\nRenamed,{world.emails['admin']}\nRenamed,elsewhere@uni.test\n",
                           content_type="text/csv")
    assert response.status_code == 200
    body = response.get_json()
    assert body["refused"] == [f"line 2: {world.emails['admin']} is a site admin; a roster does not enrol admins "
                               "as students"]
    assert body["invitations"] == []          # the owner has a live link of their own: left alone
    assert body["kept_names"] == ["elsewhere@uni.test"]
    with app.app_context():
        assert accounts.user_by_email(db.session, "elsewhere@uni.test").name == "Owner Name"


def test_a_roster_refuses_nul_characters_with_a_clear_message(app, world):
    with app.app_context(), pytest.raises(accounts.RosterError, match="NUL"):
        accounts.import_roster(db.session, db.session.get(Course, world.course_id),
                               "name,email\nCy\x00,cy@uni.test\n", 7)


def logged_in(app, email: str, remember: bool = False):
    client = app.test_client()
    form = {"email": email, "password": PASSWORD, **({"remember": "y"} if remember else {})}
    assert client.post("/login", data=form).status_code == 302
    return client


def copy_of(app, client):
    """Another browser holding the same cookies (a stolen copy)."""
    thief = app.test_client()
    for cookie in client._cookies.values():
        thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    return thief


def test_logout_ends_the_session_for_a_copied_cookie_too(app, world):
    browser = logged_in(app, world.emails["student"], remember=True)
    thief = copy_of(app, browser)
    assert thief.get("/").status_code == 200
    assert browser.post("/logout").status_code == 302
    assert browser.get("/").status_code == 302
    assert thief.get("/").status_code == 302
    session_only = app.test_client()        # the remember-me cookie alone no longer logs anyone in
    remember = next(c for c in thief._cookies.values() if c.key == "remember_token")
    session_only.set_cookie("remember_token", remember.value, domain=remember.domain)
    assert session_only.get("/").status_code == 302


def test_a_password_change_ends_every_other_session_and_revokes_api_tokens(app, world):
    here = logged_in(app, world.emails["student"])
    elsewhere = logged_in(app, world.emails["student"], remember=True)
    token = here.post("/api/v1/tokens", json={"email": world.emails["student"], "password": PASSWORD}).get_json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 200
    changed = here.post("/account", data={"pw-current": PASSWORD, "pw-password": NEW_PASSWORD,
                                          "pw-confirm": NEW_PASSWORD})
    assert changed.status_code == 302 and b"API tokens revoked" in here.get("/account").data
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 401
    with app.app_context():
        assert db.session.scalar(select(ApiToken).where(ApiToken.revoked_at.is_(None))) is None


class CountingHasher(PasswordHasher):
    """A light argon2 that counts its verifications."""

    def __init__(self):
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.verified = 0

    def verify(self, hash, password):
        self.verified += 1
        return super().verify(hash, password)


@pytest.mark.parametrize("endpoint", ["/login", "/api/v1/tokens"])
def test_an_unknown_email_costs_the_same_argon2_verification_as_a_known_one(app, world, monkeypatch, endpoint):
    hasher = CountingHasher()
    monkeypatch.setattr(passwords, "_hasher", hasher)
    with app.app_context():
        passwordless("invited@uni.test", Role.STUDENT, world.course_id)
    for email in (world.emails["student"], "nobody@uni.test", "invited@uni.test"):
        before = hasher.verified
        client = app.test_client()
        if endpoint == "/login":
            response = client.post("/login", data={"email": email, "password": "wrong password"})
            assert response.status_code == 200 and b"do not match" in response.data
        else:
            assert client.post(endpoint, json={"email": email, "password": "wrong password"}).status_code == 401
        assert hasher.verified == before + 1, email


def test_the_remember_me_cookie_is_samesite_lax(app, world):
    client = app.test_client()
    response = client.post("/login", data={"email": world.emails["student"], "password": PASSWORD, "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    remember = next(c for c in cookies if c.startswith("remember_token="))
    assert "SameSite=Lax" in remember and "HttpOnly" in remember


@pytest.fixture
def rate_limited(app_config):
    app_config.update(RATELIMIT_ENABLED=True, RATELIMIT_SUBMIT="3 per minute")


def test_the_submission_rate_limit_counts_web_and_api_together(rate_limited, app, world):
    browser = logged_in(app, world.emails["student"])
    token = browser.post("/api/v1/tokens", json={"email": world.emails["student"], "password": PASSWORD}).get_json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}

    def api_upload():
        return app.test_client().post(f"/api/v1/assignments/{world.assignment_id}/submissions", headers=bearer,
                                      data={"file": (io.BytesIO(b"not code"), "notes.txt")},
                                      content_type="multipart/form-data")
    assert upload(browser, world.assignment_id, "notes.txt", b"not code").status_code == 303
    assert api_upload().status_code == 400
    assert upload(browser, world.assignment_id, "notes.txt", b"not code").status_code == 303
    assert api_upload().status_code == 429
    assert upload(browser, world.assignment_id, "notes.txt", b"not code").status_code == 429
