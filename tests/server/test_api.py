"""The JSON API: submit and poll, my submissions, the staff endpoints, JSON errors, the OpenAPI document."""
from __future__ import annotations

import io
import re

import pytest

from server import create_app
from server.accounts import issue_api_token, user_by_email
from server.extensions import db
from server.models import Assignment
from tests.server.conftest import config_for
from tests.server.helpers import REFERENCE, drain, utc

GATES = (REFERENCE / "gates" / "gates.py").read_bytes()


@pytest.fixture
def bearer(app, world):
    """role -> Authorization header."""
    with app.app_context():
        headers = {role: {"Authorization": f"Bearer {issue_api_token(db.session, user_by_email(db.session, email), 't')}"}
                   for role, email in world.emails.items()}
        db.session.commit()
        return headers


def send(client, assignment_id, headers, content=GATES, filename="gates.py"):
    return client.post(f"/api/v1/assignments/{assignment_id}/submissions", headers=headers,
                       data={"file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")


def test_submit_poll_until_graded_and_list(app, client, world, bearer):
    response = send(client, world.assignment_id, bearer["student"])
    assert response.status_code == 202
    queued = response.get_json()
    assert (queued["status"], queued["position"], queued["attempt"]) == ("queued", 1, 1)
    assert queued["url"].endswith(f"/submissions/{queued['id']}")
    poll = client.get(f"/api/v1/submissions/{queued['id']}", headers=bearer["student"]).get_json()
    assert poll["status"] == "queued" and "report" not in poll
    assert drain(app) == 1
    graded = client.get(f"/api/v1/submissions/{queued['id']}", headers=bearer["student"]).get_json()
    assert (graded["status"], graded["score"], graded["max_score"], graded["position"]) == ("graded", 10.0, 10.0, None)
    assert graded["report"]["tests"] and all(t["status"] == "passed" for t in graded["report"]["tests"])
    mine = client.get("/api/v1/submissions", headers=bearer["student"]).get_json()["submissions"]
    assert [s["id"] for s in mine] == [queued["id"]]
    assert client.get(f"/api/v1/submissions?assignment_id={world.assignment_id + 1}",
                      headers=bearer["student"]).get_json()["submissions"] == []
    assert client.get("/api/v1/submissions", headers=bearer["other"]).get_json()["submissions"] == []
    listed = client.get("/api/v1/assignments", headers=bearer["student"]).get_json()["assignments"]
    assert [(a["slug"], a["grade"]["score"], a["grade"]["submission_id"], a["attempts"], a["open"]) for a in listed] == [
        ("gates", 10.0, queued["id"], 1, True)]


def test_staff_endpoints(app, client, world, bearer):
    courses = client.get("/api/v1/courses", headers=bearer["instructor"]).get_json()["courses"]
    assert [(c["code"], c["role"], c["timezone"]) for c in courses] == [("bp101", "instructor", "Europe/Paris")]
    assert client.get("/api/v1/courses", headers=bearer["student"]).get_json()["courses"] == []
    roster = client.get(f"/api/v1/courses/{world.course_id}/roster", headers=bearer["ta"]).get_json()["members"]
    assert {m["email"]: m["role"] for m in roster}[world.emails["student"]] == "student"
    imported = client.post(f"/api/v1/courses/{world.course_id}/roster", headers=bearer["instructor"],
                           data="name,email,student_id\nCy,cy@uni.test,42\n", content_type="text/csv")
    assert imported.status_code == 200
    body = imported.get_json()
    assert body["created"] == 1 and "/invite/inv_" in body["invitations"][0]["link"]
    bad = client.post(f"/api/v1/courses/{world.course_id}/roster", headers=bearer["instructor"],
                      data="email\nnope\n", content_type="text/csv")
    assert bad.status_code == 400 and "line 2" in bad.get_json()["message"]
    assignments = client.get(f"/api/v1/courses/{world.course_id}/assignments",
                             headers=bearer["ta"]).get_json()["assignments"]
    assert [(a["slug"], a["points"], a["published"]) for a in assignments] == [("gates", 10.0, True)]
    send(client, world.assignment_id, bearer["student"])
    drain(app)
    grades = client.get(f"/api/v1/assignments/{world.assignment_id}/grades", headers=bearer["instructor"]).get_json()
    scores = {g["email"]: (g["score"], g["attempt"]) for g in grades["grades"]}
    assert grades["points"] == 10.0
    assert scores[world.emails["student"]] == (10.0, 1) and scores[world.emails["other"]] == (None, None)
    assert "cy@uni.test" in scores and world.emails["ta"] not in scores


def assert_json_error(response, status: int, text: str = ""):
    assert response.status_code == status and response.is_json
    body = response.get_json()
    assert body["message"] and body["next_step"] and body["status"] == status
    assert text in body["message"]


def test_errors_are_json_with_a_message_and_a_next_step(app, client, world, bearer):
    student = bearer["student"]
    assert_json_error(client.get("/api/v1/me"), 401, "Bearer")
    assert_json_error(client.get("/api/v1/submissions/999", headers=student), 404, "no submission 999")
    assert_json_error(client.get("/api/v1/no-such-thing", headers=student), 404)
    assert_json_error(client.delete("/api/v1/me", headers=student), 405)
    assert_json_error(client.post(f"/api/v1/assignments/{world.assignment_id}/submissions", headers=student), 400,
                      "multipart form field 'file'")
    assert_json_error(send(client, world.assignment_id, student, b"\x00\x01", "gates.py"), 400, "binary")
    with app.app_context():
        db.session.get(Assignment, world.assignment_id).due_at = utc(days=-1)
        db.session.commit()
    assert_json_error(send(client, world.assignment_id, student), 403, "no late submissions")
    assert_json_error(client.get(f"/api/v1/courses/{world.course_id}/roster", headers=student), 404)


@pytest.fixture
def small_uploads(app_config):
    app_config["MAX_CONTENT_LENGTH"] = 4 * 1024


def test_too_large_is_json_too(small_uploads, app, client, world, bearer):
    assert_json_error(send(client, world.assignment_id, bearer["student"], b"#" * 8192), 413, "nothing was stored")


def test_openapi_documents_every_api_route(tmp_path):
    app = create_app(config_for(tmp_path, "sqlite://"), instance_path=str(tmp_path))
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and spec["info"]["title"] and spec["info"]["version"]
    assert spec["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    documented = {(path, method) for path, operations in spec["paths"].items() for method in operations
                  if method in ("get", "post", "put", "patch", "delete")}
    routes = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower())
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi"
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - documented == set()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert operation.get("responses"), (path, method)
            params = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert params == set(re.findall(r"{(\w+)}", path)), (path, method)
