"""CSRF: with protection on, every POST without the form's token is refused and changes nothing;
with the token from the form's own page it works. The API (bearer tokens) needs no token, and the
session cookie alone opens nothing there."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Callable

import pytest
from sqlalchemy import func, select

from server import create_app
from server.accounts import invite, issue_api_token, user_by_email
from server.extensions import db
from server.models import (ApiToken, Assignment, Course, Enrolment, Extension, Role, Submission,
                           SubmissionStatus, User)
from server.passwords import check_password
from tests.server.conftest import config_for
from tests.server.helpers import PASSWORD, REFERENCE

TOKEN = re.compile(rb'name="([\w-]*csrf_token)" type="hidden" value="([^"]+)"')
NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def ids(app, world) -> dict:
    """The world, plus what some forms act on: a failed submission, an API token, an invitation."""
    with app.app_context():
        student = user_by_email(db.session, world.emails["student"])
        failed = Submission(assignment_id=world.assignment_id, user_id=student.id, attempt=1, filename="a.py",
                            content=b"x = 1\n", sha256="0" * 64, size=6, status=SubmissionStatus.ERROR,
                            error_message="we failed")
        db.session.add(failed)
        issue_api_token(db.session, student, "laptop")
        newcomer = User(email="new@uni.test", name="New")
        db.session.add(newcomer)
        db.session.flush()
        db.session.add(Enrolment(course_id=world.course_id, user_id=newcomer.id, role=Role.STUDENT))
        invitation = invite(db.session, newcomer, days=3)
        db.session.commit()
        token_id = db.session.scalar(select(ApiToken.id))
        return {"course": world.course_id, "assignment": world.assignment_id, "submission": failed.id,
                "token_id": token_id, "invitation": invitation, "emails": world.emails}


def csrf_token(page: bytes) -> tuple[str, str]:
    match = TOKEN.search(page)
    assert match, "the form page carries no CSRF token"
    return match.group(1).decode(), match.group(2).decode()


def log_in(client, email: str) -> None:
    _, token = csrf_token(client.get("/login").data)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def snapshot(app) -> dict:
    """Every row of every table."""
    with app.app_context():
        return {table.name: sorted(map(tuple, db.session.execute(table.select()).all()), key=repr)
                for table in db.metadata.sorted_tables}


def one(app, query):
    with app.app_context():
        return db.session.scalar(query)


@dataclass
class Case:
    role: str                       # who posts (an email key of the world, or "anonymous")
    page: str                       # where the form is
    url: str
    data: Callable[[dict], dict]
    worked: Callable[[object, dict, object], None]    # (app, ids, response): assert the effect


def _roster(_):
    return {"roster": (io.BytesIO(b"name,email,student_id\nCy,cy@uni.test,42\n"), "roster.csv")}


def _assignment_form(ids):
    return {"slug": "layers", "title": "Layers", "exercise": "layers", "points": "20",
            "due_at": "2030-01-10T23:59", "late_penalty_percent": "0", "late_days_allowed": "0",
            "limit_period": "total", "published": "y"}


CASES = {
    "auth.login": Case("anonymous", "/login", "/login", lambda ids: {"email": ids["emails"]["student"],
                                                                      "password": PASSWORD},
                       lambda app, ids, r: assert_(r.headers["Location"] == "/")),
    "auth.logout": Case("student", "/", "/logout", lambda ids: {}, lambda app, ids, r: None),
    "auth.account": Case("student", "/account", "/account",
                         lambda ids: {"pw-current": PASSWORD, "pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD},
                         lambda app, ids, r: assert_password(app, ids["emails"]["student"], NEW_PASSWORD)),
    "auth.revoke_token": Case("student", "/account", "/account/tokens/{token_id}/revoke", lambda ids: {},
                              lambda app, ids, r: assert_(one(app, select(ApiToken.revoked_at)) is not None)),
    "auth.accept_invitation": Case("anonymous", "/invite/{invitation}", "/invite/{invitation}",
                                   lambda ids: {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
                                   lambda app, ids, r: assert_password(app, "new@uni.test", NEW_PASSWORD)),
    "student.upload": Case("student", "/assignments/{assignment}", "/assignments/{assignment}/submit",
                           lambda ids: {"file": (io.BytesIO((REFERENCE / "gates" / "gates.py").read_bytes()),
                                                 "gates.py")},
                           lambda app, ids, r: assert_(one(app, select(func.count()).select_from(Submission)) == 2)),
    "student.choose_active": Case("student", "/assignments/{assignment}", "/assignments/{assignment}/active/{submission}",
                                  lambda ids: {}, lambda app, ids, r: assert_(r.status_code == 303)),
    "staff.new_course": Case("admin", "/staff/courses/new", "/staff/courses/new",
                             lambda ids: {"code": "cs999", "title": "New", "timezone": "UTC"},
                             lambda app, ids, r: assert_(one(app, select(Course.id).where(Course.code == "cs999")))),
    "staff.import_roster": Case("instructor", "/staff/courses/{course}", "/staff/courses/{course}/roster", _roster,
                                lambda app, ids, r: assert_(one(app, select(User.id).where(User.email == "cy@uni.test")))),
    "staff.add_staff": Case("instructor", "/staff/courses/{course}", "/staff/courses/{course}/staff",
                            lambda ids: {"email": "newta@uni.test", "role": "ta"},
                            lambda app, ids, r: assert_(one(app, select(User.id).where(User.email == "newta@uni.test")))),
    "staff.invitations": Case("instructor", "/staff/courses/{course}", "/staff/courses/{course}/invitations",
                              lambda ids: {}, lambda app, ids, r: assert_(b"new@uni.test" in r.data)),
    "staff.new_assignment": Case("instructor", "/staff/courses/{course}/assignments/new",
                                 "/staff/courses/{course}/assignments/new", _assignment_form,
                                 lambda app, ids, r: assert_(one(app, select(Assignment.id)
                                                                 .where(Assignment.slug == "layers")))),
    "staff.edit_assignment": Case("instructor", "/staff/assignments/{assignment}/edit",
                                  "/staff/assignments/{assignment}/edit",
                                  lambda ids: {**_assignment_form(ids), "slug": "gates", "exercise": "gates",
                                               "title": "Renamed"},
                                  lambda app, ids, r: assert_(one(app, select(Assignment.title)) == "Renamed")),
    "staff.extensions": Case("ta", "/staff/assignments/{assignment}/extensions",
                             "/staff/assignments/{assignment}/extensions",
                             lambda ids: {"email": ids["emails"]["student"], "due_at": "2030-02-01T12:00"},
                             lambda app, ids, r: assert_(one(app, select(Extension.id)))),
    "staff.retry": Case("instructor", "/staff/courses/{course}", "/staff/submissions/{submission}/retry",
                        lambda ids: {}, lambda app, ids, r: assert_(
                            one(app, select(Submission.status)) is SubmissionStatus.QUEUED)),
}


def assert_(condition) -> None:
    assert condition


def assert_password(app, email: str, password: str) -> None:
    with app.app_context():
        assert check_password(user_by_email(db.session, email).password_hash, password)


def client_as(app, ids, role: str):
    client = app.test_client()
    if role != "anonymous":
        log_in(client, ids["emails"][role])
    return client


def form_posts(app) -> list[str]:
    """The endpoints of every non-API rule that takes a POST."""
    return sorted(rule.endpoint for rule in app.url_map.iter_rules()
                  if "POST" in rule.methods and not rule.endpoint.startswith("api."))


# The dashboard's and LTI's forms are tested with their token by their own tests; without one they
# are refused here like every other POST (test_a_post_to_any_form_route_without_the_token_is_refused).
ELSEWHERE = ("dashboard.", "lti.")
# What the LMS itself posts carries no token of ours; each proves itself instead (a signed id_token
# with a one-time state, a signed pick): tests/server/test_lti.py.
LMS_POSTS = ("lti.login", "lti.launch", "lti.deep_link_pick")


def test_every_form_post_has_a_case(tmp_path):
    app = create_app(config_for(tmp_path, "sqlite://"), instance_path=str(tmp_path))
    assert [e for e in form_posts(app) if e not in CASES and not e.startswith(ELSEWHERE)] == []


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_a_post_without_the_token_is_refused_and_changes_nothing(app, ids, endpoint):
    case = CASES[endpoint]
    client = client_as(app, ids, case.role)
    before = snapshot(app)
    response = client.post(case.url.format(**ids), data=case.data(ids), content_type="multipart/form-data")
    assert response.status_code == 400
    assert b"Reload the page" in response.data
    assert snapshot(app) == before
    if endpoint == "auth.login":
        assert client.get("/").status_code == 302       # still not logged in
    if endpoint == "auth.logout":
        assert client.get("/").status_code == 200       # still logged in


def test_a_post_to_any_form_route_without_the_token_is_refused(app, ids):
    """Also the routes added after this file: every non-API POST rule, with made-up arguments."""
    client = client_as(app, ids, "admin")
    values = {"course_id": ids["course"], "assignment_id": ids["assignment"], "submission_id": ids["submission"],
              "token_id": ids["token_id"], "token": ids["invitation"], "action": "publish"}
    urls = app.url_map.bind("grader.test")
    before = snapshot(app)
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint.startswith("api.") or rule.endpoint in LMS_POSTS:
            continue
        url = urls.build(rule.endpoint, {name: values.get(name, 1) for name in rule.arguments}, method="POST")
        response = client.post(url, data={"anything": "1"})
        assert response.status_code == 400 and b"Reload the page" in response.data, url
    assert snapshot(app) == before


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_a_post_with_the_token_from_its_page_works(app, ids, endpoint):
    case = CASES[endpoint]
    client = client_as(app, ids, case.role)
    page = client.get(case.page.format(**ids))
    assert page.status_code == 200
    name, token = csrf_token(page.data)
    response = client.post(case.url.format(**ids), data={**case.data(ids), name: token},
                           content_type="multipart/form-data")
    assert response.status_code in (200, 302, 303), response.data[:2000]
    assert b"Reload the page" not in response.data
    case.worked(app, ids, response)
    if endpoint == "auth.logout":
        assert client.get("/").status_code == 302


def test_the_api_needs_no_csrf_token_and_refuses_the_cookie(app, ids):
    client = app.test_client()
    log_in(client, ids["emails"]["student"])
    gates = (REFERENCE / "gates" / "gates.py").read_bytes()
    url = f"/api/v1/assignments/{ids['assignment']}/submissions"
    refused = client.post(url, data={"file": (io.BytesIO(gates), "gates.py")}, content_type="multipart/form-data")
    assert refused.status_code == 401 and refused.get_json()["next_step"]
    created = client.post("/api/v1/tokens", json={"email": ids["emails"]["student"], "password": PASSWORD})
    assert created.status_code == 201
    bearer = {"Authorization": f"Bearer {created.get_json()['token']}"}
    accepted = app.test_client().post(url, data={"file": (io.BytesIO(gates), "gates.py")}, headers=bearer,
                                      content_type="multipart/form-data")
    assert accepted.status_code == 202
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission).where(Submission.via == "api")) == 1
