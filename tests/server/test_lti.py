"""LTI 1.3 against a simulated LMS on loopback (tests/server/lti_platform.py): launches as a student
and an instructor, forged launches refused with nothing created, deep linking, grade passback after a
submission and after a regrade (one line item, the grade of record), the LMS down during passback,
roster sync adding and dropping a student; on SQLite and PostgreSQL."""
from __future__ import annotations

import re
import stat
import uuid
from datetime import timedelta

import jwt
import pytest
import requests
from jwcrypto.jwk import JWK
from sqlalchemy import func, select

from server import gradebook
from server.dashboard import regrade as regrade_module
from server.extensions import db
from server.lti import passback
from server.lti.keys import jwks, key_path
from server.lti.registry import PlatformFields, add_platform
from server.models import Assignment, Course, Enrolment, Role, User, utcnow
from server.models.lti import LtiContext, LtiLineItem, LtiPassback, LtiPlatform, LtiUser, PassbackState
from tests.server.helpers import REFERENCE, drain, make_assignment, upload
from tests.server.test_dashboard_exports import cli_apps  # noqa: F401  (a fixture: the CLI's apps, disposed)
from tests.server.lti_platform import RunningPlatform, SimulatedPlatform, new_member, rsa_key, tool_key_pem

TOOL = "http://grader.test"


@pytest.fixture
def lms(app):
    key_path(app.instance_path).write_text(tool_key_pem())
    platform = SimulatedPlatform()
    running = RunningPlatform(platform)
    platform.tool_launch_url, platform.tool_login_url = f"{TOOL}/lti/launch", f"{TOOL}/lti/login"
    platform.tool_jwks = lambda: jwks(app.instance_path)
    with app.app_context():
        add_platform(db.session, PlatformFields(**platform.registration()))
        db.session.commit()
    yield platform
    running.stop()


def launch(client, lms: SimulatedPlatform, person, token_options: dict | None = None, extra: dict | None = None,
           **claims):
    """The whole OIDC dance: the LMS's login initiation, our redirect to its authorization endpoint,
    its auto-posting form, our launch. Returns (launch response, the fields posted)."""
    hint = uuid.uuid4().hex
    lms.expect_login(hint, {**lms.claims_for(person, **claims), **(extra or {})}, **(token_options or {}))
    started = client.get("/lti/login", query_string={"iss": lms.issuer, "login_hint": hint, "client_id": lms.client_id,
                                                      "target_link_uri": lms.tool_launch_url})
    assert started.status_code == 302 and started.location.startswith(f"{lms.url}/auth?")
    answer = requests.get(started.location, timeout=10)
    assert answer.status_code == 200, answer.text
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', answer.text))
    assert set(fields) == {"id_token", "state"}
    return client.post("/lti/launch", data=fields), fields


def landed(response) -> str:
    """Where the launch page goes once the frame kept its cookie."""
    assert response.status_code == 200, response.get_data(as_text=True)
    return re.search(r'data-target="([^"]+)"', response.get_data(as_text=True)).group(1)


def counts(app) -> dict:
    with app.app_context():
        return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
                for model in (User, Course, Enrolment, LtiUser, LtiContext)}


def first_launch_by_instructor(app, client, lms):
    teacher = new_member("instructor", "Iris Teacher")
    response, _ = launch(client, lms, teacher, resource_link="course-nav")
    assert landed(response).startswith("/staff/courses/")
    with app.app_context():
        context = db.session.scalar(select(LtiContext))
        assignment = make_assignment(context.course, slug="gates", title="Gates", points=10.0)
        db.session.commit()
        return teacher, context.course_id, assignment.id


def test_our_key_is_made_once_in_the_instance_folder_private_and_published(app, client):
    first = client.get("/lti/jwks.json").get_json()
    path = key_path(app.instance_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and "PRIVATE KEY" in path.read_text()
    assert client.get("/lti/jwks.json").get_json() == first
    (key,) = first["keys"]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and "d" not in key and key["kid"]


def test_instructor_then_student_launch_map_to_course_account_role_and_assignment(app, client, lms):
    teacher, course_id, assignment_id = first_launch_by_instructor(app, client, lms)
    with app.app_context():
        course = db.session.get(Course, course_id)
        assert course.title == "Backprop 101 (LMS)"
        iris = db.session.scalar(select(User).where(User.email == teacher.email))
        assert iris.password_hash is None            # an LTI account has no password
        assert db.session.scalar(select(Enrolment.role).where(Enrolment.user_id == iris.id)) is Role.INSTRUCTOR
    client.post("/logout")

    student = new_member("student", "Sam Student")
    response, _ = launch(client, lms, student, resource_link="link-1", custom={"assignment_id": str(assignment_id)})
    assert landed(response) == f"/assignments/{assignment_id}"
    assert client.get("/lti/session-check").get_json() == {"ok": True}
    page = client.get(f"/assignments/{assignment_id}")
    assert page.status_code == 200 and "Gates" in page.get_data(as_text=True)
    with app.app_context():
        sam = db.session.scalar(select(User).where(User.email == student.email))
        assert db.session.scalar(select(Enrolment.role).where(Enrolment.user_id == sam.id)) is Role.STUDENT
    # a second launch of the same person and course makes nothing new
    before = counts(app)
    response, _ = launch(client, lms, student, resource_link="link-1")
    assert landed(response) == f"/assignments/{assignment_id}" and counts(app) == before
    # a TA's role URI (membership/Instructor#TeachingAssistant) is a TA here, not an instructor
    ta = new_member("ta", "Tom Assistant")
    launch(client, lms, ta, resource_link="course-nav")
    with app.app_context():
        tom = db.session.scalar(select(User).where(User.email == ta.email))
        assert db.session.scalar(select(Enrolment.role).where(Enrolment.user_id == tom.id)) is Role.TA


def test_a_launch_page_may_be_framed_by_the_registered_platform_only(app, client, lms):
    first_launch_by_instructor(app, client, lms)
    page = client.get("/staff/courses/1")
    policy = page.headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {lms.url}" in policy and "X-Frame-Options" not in page.headers
    # an LMS page the signed launch names (a hosted Canvas's school domain) may frame it too
    presentation = {"https://purl.imsglobal.org/spec/lti/claim/launch_presentation": {
        "document_target": "iframe", "return_url": "https://school.lms.test/courses/42/external_tools/retrieve"}}
    framed, _ = launch(client, lms, new_member("instructor"), extra=presentation, resource_link="course-nav")
    assert "https://school.lms.test" in framed.headers["Content-Security-Policy"]
    assert "https://school.lms.test" in client.get(landed(framed)).headers["Content-Security-Policy"]
    client.post("/logout")
    outside = client.get("/login")
    assert "frame-ancestors 'none'" in outside.headers["Content-Security-Policy"]
    assert outside.headers["X-Frame-Options"] == "DENY"


def test_the_launch_session_cookie_is_samesite_none_secure(app, client, lms):
    teacher = new_member("instructor")
    response, _ = launch(client, lms, teacher, resource_link="course-nav")
    session_cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "SameSite=None" in session_cookie and "Secure" in session_cookie and "Partitioned" in session_cookie


FORGERIES = {
    "wrong key": ({"key": rsa_key("platform-key-1")}, {}, "signature could not be verified"),
    "unknown key id": ({"key": rsa_key("someone-elses-key")}, {}, "key this LMS does not publish"),
    "wrong audience": ({"aud": "another-tool"}, {}, "not registered"),
    "expired": ({"lifetime": -120}, {}, "has expired"),
    "nonce not ours": ({"nonce": "a-nonce-we-never-issued"}, {}, "already used"),
    "unknown deployment": ({}, {"deployment": "deployment-unknown"}, "deployment"),
}


@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_forged_launches_are_refused_with_a_clear_page_and_nothing_created(app, client, lms, forgery):
    token_options, claim_change, reason = FORGERIES[forgery]
    if claim_change.get("deployment"):
        lms.deployment_id = claim_change["deployment"]
    before = counts(app)
    response, _ = launch(client, lms, new_member("instructor"), token_options=token_options, resource_link="course-nav")
    text = response.get_data(as_text=True)
    assert response.status_code == 403 and "could not open this launch" in text
    assert reason in text and "Nothing was created" in text
    assert counts(app) == before
    assert client.get("/lti/session-check").get_json() == {"ok": False}


def test_a_platform_that_rotated_its_key_is_trusted_once_its_jwks_says_so(app, client, lms):
    teacher = new_member("instructor")
    assert launch(client, lms, teacher, resource_link="course-nav")[0].status_code == 200     # JWKS cached
    lms.key = rsa_key("platform-key-2")
    assert launch(client, lms, teacher, resource_link="course-nav")[0].status_code == 200


def test_a_replayed_launch_is_refused_and_so_is_its_token_under_a_fresh_state(app, client, lms):
    teacher = new_member("instructor")
    response, fields = launch(client, lms, teacher, resource_link="course-nav")
    assert response.status_code == 200
    before = counts(app)
    replay = client.post("/lti/launch", data=fields)           # the same form posted again
    assert replay.status_code == 403 and "already used or has expired" in replay.get_data(as_text=True)
    # the old id_token with the state of a new login: its nonce is not that login's
    hint = uuid.uuid4().hex
    lms.expect_login(hint, lms.claims_for(teacher, resource_link="course-nav"))
    started = client.get("/lti/login", query_string={"iss": lms.issuer, "login_hint": hint, "client_id": lms.client_id})
    fresh_state = dict(re.findall(r"[?&](state)=([^&]+)", started.location))["state"]
    replay = client.post("/lti/launch", data={"id_token": fields["id_token"], "state": fresh_state})
    assert replay.status_code == 403 and "already used" in replay.get_data(as_text=True)
    assert counts(app) == before


def test_a_student_cannot_open_a_course_no_instructor_set_up(app, client, lms):
    before = counts(app)
    response, _ = launch(client, lms, new_member("student"))
    assert response.status_code == 403 and "not set up in the grader yet" in response.get_data(as_text=True)
    assert counts(app) == before


def test_an_unregistered_platform_gets_a_clear_page(client, lms):
    response = client.get("/lti/login", query_string={"iss": "https://lms.nowhere.test", "login_hint": "x"})
    assert response.status_code == 400 and "not registered with the grader" in response.get_data(as_text=True)


def test_when_the_frame_refuses_cookies_the_launch_finishes_in_a_new_window(app, client, lms):
    teacher, _, assignment_id = first_launch_by_instructor(app, client, lms)
    client.post("/logout")
    student = new_member("student")
    response, _ = launch(client, lms, student, custom={"assignment_id": str(assignment_id)})
    link = re.search(r'href="(/lti/continue/[^"]+)"', response.get_data(as_text=True)).group(1)
    fresh = app.test_client()                                  # the browser kept no cookie from the frame
    assert fresh.get("/lti/session-check").get_json() == {"ok": False}
    finished = fresh.get(link)
    assert finished.status_code == 302 and finished.location == f"/assignments/{assignment_id}"
    assert fresh.get(f"/assignments/{assignment_id}").status_code == 200
    again = app.test_client().get(link)                        # the link works once
    assert again.status_code == 400 and "already used" in again.get_data(as_text=True)


def test_deep_linking_lets_an_instructor_pick_an_assignment(app, client, lms):
    teacher, course_id, assignment_id = first_launch_by_instructor(app, client, lms)
    response, _ = launch(client, lms, teacher, message_type="LtiDeepLinkingRequest")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Gates" in page
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    answer = app.test_client().post("/lti/deep-link", data={"token": token, "assignment_id": assignment_id})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and f'action="{lms.url}/deep-link-return"' in html
    assert f"form-action 'self' {lms.url}" in answer.headers["Content-Security-Policy"]
    signed = re.search(r'name="JWT" value="([^"]+)"', html).group(1)
    key = JWK(**jwks(app.instance_path)["keys"][0]).export_to_pem()
    body = jwt.decode(signed, key, algorithms=["RS256"], audience=lms.issuer)
    assert body["iss"] == lms.client_id and body["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "dl-data-7"
    (item,) = body["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["type"] == "ltiResourceLink" and item["url"] == lms.tool_launch_url
    assert item["custom"] == {"assignment_id": str(assignment_id)}
    assert item["lineItem"]["resourceId"] == f"backprop-grader-assignment-{assignment_id}"
    assert item["lineItem"]["scoreMaximum"] == 10.0
    # a forged or other course's pick is refused
    assert app.test_client().post("/lti/deep-link", data={"token": token + "x", "assignment_id": assignment_id}).status_code == 400
    # a student cannot deep link
    refused, _ = launch(app.test_client(), lms, new_member("student"), message_type="LtiDeepLinkingRequest")
    assert refused.status_code == 403 and "Only an instructor" in refused.get_data(as_text=True)


def student_submits(app, lms, assignment_id, content: bytes):
    """A student arrives from the LMS and submits; the queue grades it (and passes the grade back)."""
    student = new_member("student", "Ana Lms")
    client = app.test_client()
    response, _ = launch(client, lms, student, custom={"assignment_id": str(assignment_id)})
    assert landed(response) == f"/assignments/{assignment_id}"
    assert upload(client, assignment_id, "gates.py", content).status_code == 303
    return student, client


def record(app, assignment_id: int, email: str):
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == email))
        return gradebook.grade_of_record(db.session, db.session.get(Assignment, assignment_id), user_id)


def test_grades_pass_back_after_a_submission_and_a_regrade_to_one_line_item(app, client, lms, monkeypatch):
    teacher, course_id, assignment_id = first_launch_by_instructor(app, client, lms)
    student, _ = student_submits(app, lms, assignment_id, (REFERENCE / "gates" / "gates.py").read_bytes())
    assert drain(app) == 2                      # the grade, then its passback
    (item_id, item), = lms.line_items.items()
    assert item["resourceId"] == f"backprop-grader-assignment-{assignment_id}" and item["scoreMaximum"] == 10.0
    sent = lms.scores[item_id][student.sub]
    grade = record(app, assignment_id, student.email)
    assert grade.score == 10.0 and sent["scoreGiven"] == grade.score and sent["scoreMaximum"] == 10.0
    assert sent["gradingProgress"] == "FullyGraded" and sent["activityProgress"] == "Completed"

    # a regrade that halves the score, published by the instructor: the new grade, same line item
    real = regrade_module.grade_submission

    def stricter(submission, **kwargs):
        out = real(submission, **kwargs)
        out.result.score = 5.0
        return out
    monkeypatch.setattr(regrade_module, "grade_submission", stricter)
    assert client.post(f"/staff/assignments/{assignment_id}/regrade").status_code == 303
    drain(app)
    with app.app_context():
        from server.models import Regrade
        regrade_id = db.session.scalar(select(Regrade.id))
    assert client.post(f"/staff/regrades/{regrade_id}/publish").status_code == 303
    assert drain(app) == 1
    assert list(lms.line_items) == [item_id]    # found again, never made twice
    grade = record(app, assignment_id, student.email)
    assert grade.score == 5.0 and lms.scores[item_id][student.sub]["scoreGiven"] == 5.0
    status = client.get(f"/lti/courses/{course_id}/status").get_data(as_text=True)
    assert "1 sent · 0 pending · 0 sending · 0 failed" in status and "Ana Lms" in status


def test_a_line_item_the_lms_made_from_the_deep_link_is_found_by_resource_id(app, client, lms):
    teacher, course_id, assignment_id = first_launch_by_instructor(app, client, lms)
    made = f"{lms.url}/courses/{lms.context_id}/lineitems/77"
    lms.line_items[made] = {"id": made, "label": "Gates", "scoreMaximum": 10,
                            "resourceId": f"backprop-grader-assignment-{assignment_id}"}
    student, _ = student_submits(app, lms, assignment_id, (REFERENCE / "gates" / "gates.py").read_bytes())
    assert drain(app) == 2
    assert list(lms.line_items) == [made] and lms.scores[made][student.sub]["scoreGiven"] == 10.0


def test_the_lms_down_during_passback_is_retried_and_nothing_is_lost(app, client, lms):
    teacher, course_id, assignment_id = first_launch_by_instructor(app, client, lms)
    lms.down = True
    student, _ = student_submits(app, lms, assignment_id, (REFERENCE / "gates" / "gates.py").read_bytes())
    # graded; the passback failed and was scheduled for a retry, which drain (unlike a worker) runs at
    # once: the row, not yet due, refuses it
    assert drain(app) == 3
    with app.app_context():
        row = db.session.scalar(select(LtiPassback))
        assert row.state is PassbackState.FAILED and row.tries == 1 and "503" in row.last_error
        retry_at = row.next_try_at
    assert lms.scores == {}
    status = client.get(f"/lti/courses/{course_id}/status").get_data(as_text=True)
    assert "0 sent · 0 pending · 0 sending · 1 failed" in status and "503" in status
    tasks = app.extensions["lti_tasks"]
    assert tasks.sweep(now=retry_at - timedelta(seconds=1))["passbacks"] == []     # not due yet
    assert tasks.sweep(now=retry_at + timedelta(seconds=1))["passbacks"] == [row.id]
    with app.app_context():                     # as the clock would: the retry is due
        db.session.get(LtiPassback, row.id).next_try_at = utcnow()
        db.session.commit()
    drain(app)                                  # tried (failed again); its next retry, run early, refused
    with app.app_context():
        row = db.session.get(LtiPassback, row.id)
        assert row.state is PassbackState.FAILED and row.tries == 2 and row.next_try_at > retry_at   # backs off
    lms.down = False
    assert client.post(f"/lti/courses/{course_id}/retry").status_code == 302     # staff: send again now
    drain(app)
    (item_id,) = lms.line_items
    assert lms.scores[item_id][student.sub]["scoreGiven"] == record(app, assignment_id, student.email).score == 10.0
    with app.app_context():
        assert db.session.get(LtiPassback, row.id).state is PassbackState.SENT
        assert db.session.scalar(select(func.count()).select_from(LtiLineItem)) == 1


def test_a_grade_changed_while_it_was_being_sent_is_sent_again(app, client, lms):
    teacher, course_id, assignment_id = first_launch_by_instructor(app, client, lms)
    student, _ = student_submits(app, lms, assignment_id, (REFERENCE / "gates" / "gates.py").read_bytes())
    huey = app.extensions["grading_queue"].huey
    huey.execute(huey.dequeue())                # the grade; its passback waits in the queue
    with app.app_context():
        row_id = db.session.scalar(select(LtiPassback.id))
        token = passback.claim(db.session, row_id, lease_seconds=60)          # a sender holds it...
        passback.mark_changed(db.session, assignment_id, [db.session.scalar(select(User.id).where(
            User.email == student.email))])                                   # ...when the grade changes
        done = passback.process(db.session, row_id, instance_path=app.instance_path, lease_seconds=60)
        assert token and done[0] == "sent"      # the change released the old claim; this send is the newest
    assert drain(app) >= 1


def test_roster_sync_adds_and_drops_students_without_duplicating_anyone(app, client, lms):
    teacher, course_id, assignment_id = first_launch_by_instructor(app, client, lms)
    launched = new_member("student", "Lea Launched")
    launch(app.test_client(), lms, launched, custom={"assignment_id": str(assignment_id)})
    leaving, joining = new_member("student", "Leo Leaving"), new_member("student", "Jo Joining")
    lms.members = [teacher, launched, leaving]
    assert client.post(f"/lti/courses/{course_id}/sync-roster").status_code == 302
    assert drain(app) == 1

    def roster():
        with app.app_context():
            return dict(db.session.execute(select(User.email, Enrolment.role).join(Enrolment)
                                           .where(Enrolment.course_id == course_id)).all())
    assert roster() == {teacher.email: Role.INSTRUCTOR, launched.email: Role.STUDENT, leaving.email: Role.STUDENT}
    users = counts(app)["User"]
    lms.members = [teacher, launched, joining, leaving]
    leaving.status = "Inactive"
    with app.app_context():                     # the scheduled sync (the worker's sweep) finds it due
        context = db.session.scalar(select(LtiContext))
        context.roster_tried_at = utcnow() - timedelta(days=1)
        db.session.commit()
        assert context.memberships_url.endswith(f"/courses/{lms.context_id}/memberships")
    assert app.extensions["lti_tasks"].sweep()["rosters"] == [context.id]
    assert drain(app) == 1
    assert roster() == {teacher.email: Role.INSTRUCTOR, launched.email: Role.STUDENT, joining.email: Role.STUDENT}
    assert counts(app)["User"] == users + 1     # only Jo is new; Lea (launched before) was matched, not copied
    with app.app_context():
        assert db.session.scalar(select(LtiContext.roster_error)) is None
    # the roster's answer names another context id than the launch's: synced all the same
    assert lms.nrps_context_id != lms.context_id


def test_registration_in_the_ui_and_several_platforms(app, client, auth, world, lms):
    auth.login(world.emails["student"])
    assert client.get("/lti/admin/platforms").status_code == 404
    auth.logout()
    auth.login(world.emails["admin"])
    page = client.get("/lti/admin/platforms").get_data(as_text=True)
    assert "Simulated Canvas" in page and "Initiate login URL" in page and "/lti/jwks.json" in page
    form = {"name": "Moodle", "issuer": "https://moodle.uni.test", "client_id": "abc",
            "deployment_ids": "1\n2", "auth_login_url": "https://moodle.uni.test/mod/lti/auth.php",
            "auth_token_url": "https://moodle.uni.test/mod/lti/token.php",
            "key_set_url": "https://moodle.uni.test/mod/lti/certs.php", "token_audience": "", "frame_origins": ""}
    assert client.post("/lti/admin/platforms", data=form).status_code == 302
    again = client.post("/lti/admin/platforms", data=form)
    assert again.status_code == 400 and "registered already" in again.get_data(as_text=True)
    bad = client.post("/lti/admin/platforms", data={**form, "client_id": "other", "key_set_url": "certs.php"})
    assert bad.status_code == 400 and "must be an http(s) URL" in bad.get_data(as_text=True)
    with app.app_context():
        rows = {p.name: p.deployment_ids for p in db.session.scalars(select(LtiPlatform))}
    assert rows == {"Simulated Canvas": [lms.deployment_id], "Moodle": ["1", "2"]}
    config = client.get("/lti/config.json").get_json()
    assert config["oidc_initiation_url"] == f"{TOOL}/lti/login" and config["public_jwk_url"] == f"{TOOL}/lti/jwks.json"
    assert {p["message_type"] for p in config["extensions"][0]["settings"]["placements"]} == {
        "LtiDeepLinkingRequest", "LtiResourceLinkRequest"}


def test_grade_admin_lti_registers_lists_and_configures(app, runner, monkeypatch, cli_apps):
    from server.cli import admin
    instance = app.instance_path
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    base = ["lti", "add-platform", "--instance", instance, "--name", "Canvas", "--issuer",
            "https://canvas.instructure.com", "--client-id", "1000001", "--deployment-id", "d1",
            "--auth-login-url", "https://sso.canvaslms.com/api/lti/authorize_redirect",
            "--auth-token-url", "https://sso.canvaslms.com/login/oauth2/token",
            "--key-set-url", "https://sso.canvaslms.com/api/lti/security/jwks",
            "--frame-origin", "https://school.instructure.com"]
    result = runner.invoke(admin, base)
    assert result.exit_code == 0, result.output
    second = runner.invoke(admin, base[:9] + ["1000002"] + base[10:])       # the same issuer, another client id
    assert second.exit_code == 0, second.output
    duplicate = runner.invoke(admin, base)
    assert duplicate.exit_code != 0 and "registered already" in duplicate.output
    listed = runner.invoke(admin, ["lti", "list", "--instance", instance])
    assert listed.output.count("https://canvas.instructure.com") == 2
    moodle = runner.invoke(admin, ["lti", "config", "--lms", "moodle", "--instance", instance])
    assert "Initiate login URL: http://127.0.0.1:5000/lti/login" in moodle.output


def test_an_lms_course_linked_to_an_existing_course_opens_it(app, client, lms, world, runner, monkeypatch, cli_apps):
    from server.cli import admin
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    with app.app_context():
        platform_id = db.session.scalar(select(LtiPlatform.id))
    linked = runner.invoke(admin, ["lti", "link", "--instance", app.instance_path, str(platform_id), lms.context_id, "bp101"])
    assert linked.exit_code == 0, linked.output
    courses = counts(app)["Course"]
    response, _ = launch(client, lms, new_member("instructor"), resource_link="course-nav")
    assert landed(response) == f"/staff/courses/{world.course_id}" and counts(app)["Course"] == courses
    unknown = runner.invoke(admin, ["lti", "link", "--instance", app.instance_path, str(platform_id), "x", "nope"])
    assert unknown.exit_code != 0 and "no course 'nope'" in unknown.output


def test_the_sweep_forgets_abandoned_logins(app, client, lms):
    from server.models.lti import LtiLoginState
    client.get("/lti/login", query_string={"iss": lms.issuer, "login_hint": "h", "client_id": lms.client_id})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LtiLoginState)) == 1
    app.extensions["lti_tasks"].sweep(now=utcnow() + timedelta(minutes=11))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LtiLoginState)) == 0


@pytest.fixture
def csrf_on(app_config):
    app_config["WTF_CSRF_ENABLED"] = True


def test_with_csrf_on_the_lms_posts_need_no_token_and_staff_forms_do(csrf_on, app, client, lms):
    teacher, course_id, _ = first_launch_by_instructor(app, client, lms)      # login and launch: no token
    status = client.get(f"/lti/courses/{course_id}/status")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', status.get_data(as_text=True)).group(1)
    refused = client.post(f"/lti/courses/{course_id}/sync-roster")
    assert refused.status_code == 400 and "Reload the page" in refused.get_data(as_text=True)
    assert app.extensions["grading_queue"].pending() == 0
    assert client.post(f"/lti/courses/{course_id}/sync-roster", data={"csrf_token": token}).status_code == 302
    assert app.extensions["grading_queue"].pending() == 1                    # the sync, queued
