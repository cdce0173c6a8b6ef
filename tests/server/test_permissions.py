"""Every route of the app, as every role: who gets the page, who is sent to log in, who gets 404.

The table below must name every rule of app.url_map, so a new route cannot be added without
saying who may use it. The objects asked for (course, assignment, submission, token) belong to
`student`; `other` is another student of the same course, `outsider` an instructor of another.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from server import create_app, passwords
from server.accounts import issue_api_token
from server.extensions import db
from server.models import ApiToken, Course, Role, Submission, SubmissionStatus, User
from tests.server.conftest import config_for
from tests.server.helpers import PASSWORD, make_assignment, make_user

ROLES = ("anonymous", "student", "other", "ta", "instructor", "outsider", "admin")
LOGIN = "login"      # an HTML page's answer to anonymous: a redirect to /login

# Who may do what, as profiles of {role: expected status}.
ANY_USER = dict(anonymous=LOGIN, student=200, other=200, ta=200, instructor=200, outsider=200, admin=200)
MEMBER = dict(ANY_USER, outsider=404)
OWNER = dict(MEMBER, other=404)
STAFF = dict(OWNER, student=404)
INSTRUCTOR = dict(STAFF, ta=404)
ADMIN = dict(INSTRUCTOR, instructor=404)
TA_TOLD = dict(INSTRUCTOR, ta=403)       # instructors only, and a TA is told so rather than shown a 404
PUBLIC = {role: 200 for role in ROLES}


def api(profile: dict) -> dict:
    """The same profile under the API: anonymous gets 401 JSON instead of a redirect."""
    return {**profile, "anonymous": 401}


def answering(profile: dict, code: int) -> dict:
    """The profile with its successes answered by `code` (a redirect after a POST, a 400...)."""
    return {role: code if status == 200 else status for role, status in profile.items()}


@dataclass(frozen=True)
class Route:
    url: str
    expected: dict
    data: dict | None = None       # a POST's form (empty: the form fails validation, nothing changes)


# (endpoint, method) -> what each role gets. POSTs send no (or invalid) data, so nothing changes.
ROUTES = {
    ("static", "GET"): Route("/static/style.css", PUBLIC),
    ("health.healthz", "GET"): Route("/healthz", PUBLIC),
    ("favicon", "GET"): Route("/favicon.ico", {role: 301 for role in ROLES}),
    ("auth.login", "GET"): Route("/login", {**answering(ANY_USER, 302), "anonymous": 200}),
    ("auth.login", "POST"): Route("/login", {**answering(ANY_USER, 302), "anonymous": 200}),
    ("auth.logout", "POST"): Route("/logout", answering(ANY_USER, 302)),
    ("auth.accept_invitation", "GET"): Route("/invite/inv_not-a-real-token", {r: 404 for r in ROLES}),
    ("auth.accept_invitation", "POST"): Route("/invite/inv_not-a-real-token", {r: 404 for r in ROLES}),
    ("auth.account", "GET"): Route("/account", ANY_USER),
    ("auth.account", "POST"): Route("/account", ANY_USER),
    ("auth.revoke_token", "POST"): Route("/account/tokens/{spare_token}/revoke", answering(ANY_USER, 302)),
    ("student.home", "GET"): Route("/", ANY_USER),
    ("student.assignment", "GET"): Route("/assignments/{assignment}", MEMBER),
    ("student.starter", "GET"): Route("/assignments/{assignment}/starter", MEMBER),
    ("student.upload", "POST"): Route("/assignments/{assignment}/submit", answering(MEMBER, 303)),
    ("student.submission", "GET"): Route("/submissions/{submission}", OWNER),
    ("student.submission_status", "GET"): Route("/submissions/{submission}/status", OWNER),
    ("student.submission_file", "GET"): Route("/submissions/{submission}/file", OWNER),
    # Only the student who made the submission may make it count (staff who can see it get 404 too).
    ("student.choose_active", "POST"): Route("/assignments/{assignment}/active/{submission}",
                                             answering(dict(OWNER, ta=404, instructor=404, admin=404), 303)),
    ("staff.new_course", "GET"): Route("/staff/courses/new", ADMIN),
    ("staff.new_course", "POST"): Route("/staff/courses/new", ADMIN),
    ("staff.course", "GET"): Route("/staff/courses/{course}", STAFF),
    ("staff.import_roster", "POST"): Route("/staff/courses/{course}/roster", answering(INSTRUCTOR, 303)),
    ("staff.add_staff", "POST"): Route("/staff/courses/{course}/staff", answering(INSTRUCTOR, 303)),
    ("staff.invitations", "POST"): Route("/staff/courses/{course}/invitations", INSTRUCTOR),
    ("staff.new_assignment", "GET"): Route("/staff/courses/{course}/assignments/new", TA_TOLD),
    ("staff.new_assignment", "POST"): Route("/staff/courses/{course}/assignments/new", TA_TOLD),
    ("staff.edit_assignment", "GET"): Route("/staff/assignments/{assignment}/edit", TA_TOLD),
    ("staff.edit_assignment", "POST"): Route("/staff/assignments/{assignment}/edit", TA_TOLD),
    ("staff.extensions", "GET"): Route("/staff/assignments/{assignment}/extensions", STAFF),
    ("staff.extensions", "POST"): Route("/staff/assignments/{assignment}/extensions", STAFF),
    ("staff.retry", "POST"): Route("/staff/submissions/{submission}/retry", answering(STAFF, 303)),
    ("dashboard.assignment_overview", "GET"): Route("/staff/assignments/{assignment}/dashboard", STAFF),
    ("dashboard.class_mistakes", "GET"): Route("/staff/assignments/{assignment}/mistakes", STAFF),
    ("dashboard.class_progress", "GET"): Route("/staff/assignments/{assignment}/progress", STAFF),
    ("dashboard.mistake_students", "GET"): Route("/staff/assignments/{assignment}/mistakes/sign", STAFF),
    ("dashboard.gradient_students", "GET"): Route("/staff/assignments/{assignment}/gradients/mul_backward/db", STAFF),
    # This assignment (gates) has no staged graph, so staff learn dbndiff is no node of it; a staged graph's
    # page answering staff is tested in test_dashboard_first_wrong.
    ("dashboard.first_wrong_students", "GET"): Route("/staff/assignments/{assignment}/first-wrong/dbndiff",
                                                     answering(STAFF, 404)),
    ("dashboard.exports_page", "GET"): Route("/staff/assignments/{assignment}/export", STAFF),
    ("dashboard.export", "GET"): Route("/staff/assignments/{assignment}/export/csv", STAFF),
    ("dashboard.regrade_page", "GET"): Route("/staff/assignments/{assignment}/regrade", STAFF),
    ("dashboard.start_regrade", "POST"): Route("/staff/assignments/{assignment}/regrade", answering(INSTRUCTOR, 303)),
    ("dashboard.finish_regrade", "POST"): Route("/staff/regrades/999/discard", answering(ANY_USER, 404)),
    ("dashboard.submission_detail", "GET"): Route("/staff/submissions/{submission}", STAFF),
    ("dashboard.adjust_score", "POST"): Route("/staff/submissions/{submission}/adjust", answering(STAFF, 303)),
    ("dashboard.similarity_page", "GET"): Route("/staff/assignments/{assignment}/similarity", STAFF),
    ("dashboard.recompute_similarity", "POST"): Route("/staff/assignments/{assignment}/similarity",
                                                      answering(STAFF, 303)),
    ("dashboard.similarity_pair", "GET"): Route("/staff/similarity/pairs/999", answering(ANY_USER, 404)),
    ("dashboard.hidden_inputs", "GET"): Route("/staff/submissions/{submission}/hidden-inputs", STAFF),
    # LTI: what an LMS calls is open to all and refuses what it cannot verify (no platform is registered here).
    ("lti.login", "GET"): Route("/lti/login?iss=https://lms.unknown.test&login_hint=1", {r: 400 for r in ROLES}),
    ("lti.login", "POST"): Route("/lti/login", {r: 400 for r in ROLES}),
    ("lti.launch", "POST"): Route("/lti/launch", {r: 403 for r in ROLES}),
    ("lti.session_check", "GET"): Route("/lti/session-check", PUBLIC),
    ("lti.finish", "GET"): Route("/lti/continue/lti_not-a-real-token", {r: 400 for r in ROLES}),
    ("lti.jwks_json", "GET"): Route("/lti/jwks.json", PUBLIC),
    ("lti.config_json", "GET"): Route("/lti/config.json", PUBLIC),
    ("lti.deep_link_pick", "POST"): Route("/lti/deep-link", {r: 400 for r in ROLES}),
    ("lti.platforms", "GET"): Route("/lti/admin/platforms", ADMIN),
    ("lti.platforms", "POST"): Route("/lti/admin/platforms", answering(ADMIN, 400)),
    ("lti.delete_platform", "POST"): Route("/lti/admin/platforms/999/delete", answering(ADMIN, 404)),
    ("lti.status", "GET"): Route("/lti/courses/{course}/status", STAFF),
    ("lti.retry", "POST"): Route("/lti/courses/{course}/retry", answering(STAFF, 302)),
    ("lti.sync_roster", "POST"): Route("/lti/courses/{course}/sync-roster", answering(INSTRUCTOR, 302)),
    ("api.openapi", "GET"): Route("/api/v1/openapi.json", PUBLIC),
    ("api.create_token", "POST"): Route("/api/v1/tokens", {r: 401 for r in ROLES}),   # no password sent
    ("api.me", "GET"): Route("/api/v1/me", api(ANY_USER)),
    ("api.list_assignments", "GET"): Route("/api/v1/assignments", api(ANY_USER)),
    ("api.create_submission", "POST"): Route("/api/v1/assignments/{assignment}/submissions",
                                             api(answering(MEMBER, 400))),      # no file sent
    ("api.list_submissions", "GET"): Route("/api/v1/submissions", api(ANY_USER)),
    ("api.get_submission", "GET"): Route("/api/v1/submissions/{submission}", api(OWNER)),
    ("api.list_courses", "GET"): Route("/api/v1/courses", api(ANY_USER)),
    ("api.get_roster", "GET"): Route("/api/v1/courses/{course}/roster", api(STAFF)),
    ("api.post_roster", "POST"): Route("/api/v1/courses/{course}/roster", api(answering(INSTRUCTOR, 400))),
    ("api.course_assignments", "GET"): Route("/api/v1/courses/{course}/assignments", api(STAFF)),
    ("api.assignment_grades", "GET"): Route("/api/v1/assignments/{assignment}/grades", api(STAFF)),
}

EMAILS = {"student": "ana@uni.test", "other": "bo@uni.test", "ta": "ta@uni.test", "instructor": "prof@uni.test",
          "outsider": "out@uni.test", "admin": "root@uni.test"}


@dataclass
class Site:
    app: object
    ids: dict          # course, assignment, submission, spare_token
    tokens: dict       # role -> API token
    clients: dict      # role -> a client logged in as that role (made on first use)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(request, tmp_path_factory):
    """One seeded app per database for the whole table (the requests change nothing)."""
    folder = tmp_path_factory.mktemp(f"permissions-{request.param}")
    url = (f"sqlite:///{folder / 'grader.db'}" if request.param == "sqlite"
           else request.getfixturevalue("postgres_database"))
    app = create_app(config_for(folder, url), instance_path=str(folder / "instance"))
    with pytest.MonkeyPatch.context() as patch, app.app_context():
        patch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        db.drop_all()
        db.create_all()
        course, elsewhere = Course(code="bp101", title="Backprop 101"), Course(code="other", title="Other")
        db.session.add_all([course, elsewhere])
        db.session.flush()
        roles = {"student": (Role.STUDENT, course), "other": (Role.STUDENT, course), "ta": (Role.TA, course),
                 "instructor": (Role.INSTRUCTOR, course), "outsider": (Role.INSTRUCTOR, elsewhere)}
        users = {name: make_user(EMAILS[name], *roles[name]) for name in roles}
        users["admin"] = make_user(EMAILS["admin"], admin=True)
        assignment = make_assignment(course)
        submission = Submission(assignment_id=assignment.id, user_id=users["student"].id, attempt=1,
                                filename="gates.py", content=b"x = 1\n", sha256="0" * 64, size=6,
                                status=SubmissionStatus.QUEUED)
        db.session.add(submission)
        tokens = {name: issue_api_token(db.session, user, "test") for name, user in users.items()}
        issue_api_token(db.session, users["student"], "spare")
        db.session.commit()
        spare = db.session.scalar(select(ApiToken.id).where(ApiToken.label == "spare"))
        ids = {"course": course.id, "assignment": assignment.id, "submission": submission.id, "spare_token": spare}
    yield Site(app, ids, tokens, {})
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def logged_in(site: Site, role: str):
    client = site.app.test_client()
    assert client.post("/login", data={"email": EMAILS[role], "password": PASSWORD}).status_code == 302
    return client


def request_as(site: Site, role: str, method: str, url: str, data: dict | None = None):
    headers = {}
    if role == "anonymous":
        client = site.app.test_client()
    elif url.startswith("/api/"):
        client = site.app.test_client()
        headers["Authorization"] = f"Bearer {site.tokens[role]}"
    elif url == "/logout":
        client = logged_in(site, role)
        site.clients.pop(role, None)     # logging out ends every session of the account, the cached one too
    else:
        if role not in site.clients:
            site.clients[role] = logged_in(site, role)
        client = site.clients[role]
    response = client.open(url, method=method, data=data or {}, headers=headers)
    response.close()     # a static file is streamed: close it, the body stays readable
    return response


def test_every_route_has_an_expectation(tmp_path):
    app = create_app(config_for(tmp_path, "sqlite://"), instance_path=str(tmp_path))
    rules = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
             for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert rules - ROUTES.keys() == set(), "routes with no expectation in ROUTES"
    assert ROUTES.keys() - rules == set(), "expectations for routes that no longer exist"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint,method", sorted(ROUTES))
def test_route_as_role(site, endpoint, method, role):
    route = ROUTES[(endpoint, method)]
    url = route.url.format(**site.ids)
    response = request_as(site, role, method, url, route.data)
    expected = route.expected[role]
    if expected == LOGIN:
        assert response.status_code == 302, response.data[:300]
        assert urlsplit(response.headers["Location"]).path == "/login"
    else:
        assert response.status_code == expected, response.data[:500]
    if url.startswith("/api/") and response.status_code >= 400:
        body = response.get_json()
        assert body["message"] and body["next_step"], body
    if response.status_code == 404 and not url.startswith("/api/") and endpoint != "static":
        assert b"<html" in response.data and b"Traceback" not in response.data


@pytest.mark.parametrize("path", ["/submissions/{}", "/submissions/{}/status", "/submissions/{}/file",
                                  "/api/v1/submissions/{}"])
def test_another_students_submission_is_as_absent_as_a_missing_one(site, path):
    """Guessing an id tells nothing: the answer for someone else's is the answer for none at all."""
    mine = site.ids["submission"]
    client = site.app.test_client() if path.startswith("/api/") else logged_in(site, "other")
    headers = {"Authorization": f"Bearer {site.tokens['other']}"}
    other = client.get(path.format(mine), headers=headers)
    missing = client.get(path.format(mine + 1000), headers=headers)
    assert other.status_code == missing.status_code == 404
    def said(response, number):
        return response.data.replace(f"submission {number} ".encode(), b"submission N ")
    assert said(other, mine) == said(missing, mine + 1000)


def test_revoking_someone_elses_token_changes_nothing(site):
    with site.app.app_context():
        student = db.session.scalar(select(User).where(User.email == EMAILS["student"]))
        token = issue_api_token(db.session, student, "kept")
        db.session.commit()
        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.label == "kept"))
    for role in ("other", "instructor", "admin"):
        assert request_as(site, role, "POST", f"/account/tokens/{token_id}/revoke").status_code == 302
    with site.app.app_context():
        assert db.session.get(ApiToken, token_id).revoked_at is None
    client = logged_in(site, "student")
    assert client.get("/api/v1/me").status_code == 401      # the session cookie is no API credential
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
