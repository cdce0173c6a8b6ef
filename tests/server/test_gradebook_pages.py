"""The grade of record is the same number on every page, export and API answer, on SQLite and
PostgreSQL: after a broken upload (refused, nothing spent), under each policy, after a points
change, an extension that covers a late attempt, a due-date change, and a manual adjustment."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from server import gradebook
from server.extensions import db
from server.models import Assignment, AuditEntry, Result, ScoreAdjustment, Submission, User
from tests.server.helpers import REFERENCE, drain, upload, utc
from tests.server.test_gradebook import graded, live, stored

BUGGY = REFERENCE.parents[0] / "tests" / "corpus" / "buggy" / "gates_mul_backward_swapped.py"


def bearer(client, email: str) -> dict:
    token = client.post("/api/v1/tokens", json={"email": email, "password": "correct horse battery"}).get_json()
    return {"Authorization": f"Bearer {token['token']}"}


def everywhere(app, client, auth, world, email: str = "ana@uni.test") -> dict[str, str]:
    """The student's grade as each page, export and API answer shows it (text, as a person reads it)."""
    aid = world.assignment_id
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == email))
        assignment = db.session.get(Assignment, aid)
        record = gradebook.grade_of_record(db.session, assignment, user_id)
        assert stored(assignment) == live(assignment)      # every change kept the stored records current
    seen = {}
    auth.login(email)
    home = client.get("/").get_data(as_text=True)
    seen["home"] = re.search(r'<td class="grade">.*?<strong>([\d.]+)</strong>', home, re.S).group(1)
    page = client.get(f"/assignments/{aid}").get_data(as_text=True)
    seen["assignment"] = re.search(r'class="grade-of-record">([\d.]+)<', page).group(1)
    submission = client.get(f"/submissions/{record.submission_id}").get_data(as_text=True)
    seen["submission"] = re.search(r'<p class="big-score"><strong>([\d.]+)</strong>', submission).group(1)
    auth.logout()
    api = bearer(client, email)
    listed = client.get("/api/v1/assignments", headers=api).get_json()["assignments"]
    seen["api assignments"] = gradebook.show(listed[0]["grade"]["score"])
    seen["api submission"] = gradebook.show(
        client.get(f"/api/v1/submissions/{record.submission_id}", headers=api).get_json()["grade"]["score"])
    auth.login(world.emails["ta"])
    staff = bearer(client, world.emails["ta"])
    grades = client.get(f"/api/v1/assignments/{aid}/grades", headers=staff).get_json()["grades"]
    seen["api grades"] = gradebook.show(next(g["score"] for g in grades if g["email"] == email))
    canvas = list(csv.reader(io.StringIO(client.get(f"/staff/assignments/{aid}/export/canvas").get_data(as_text=True))))
    seen["canvas"] = next(row[5] for row in canvas if row[3] == email)
    dashboard = client.get(f"/staff/assignments/{aid}/dashboard?q={email.split('@')[0]}").get_data(as_text=True)
    seen["dashboard"] = re.search(r'<td class="total"[^>]*><a [^>]*>([\d.]+)</a>', dashboard).group(1)
    detail = client.get(f"/staff/submissions/{record.submission_id}").get_data(as_text=True)
    seen["staff detail"] = re.search(r'id="grade-of-record"><strong>([\d.]+)/', detail).group(1)
    auth.logout()
    return seen


def same_everywhere(seen: dict[str, str]) -> str:
    assert len(set(seen.values())) == 1, seen
    return next(iter(seen.values()))


@pytest.fixture
def ana(app, world):
    with app.app_context():
        assignment = db.session.get(Assignment, world.assignment_id)
        assignment.points, assignment.submission_limit = 100.0, 5
        user = db.session.scalar(select(User).where(User.email == world.emails["student"]))
        db.session.commit()
        return user.id


def test_a_broken_upload_costs_nothing_and_changes_no_grade(app, client, auth, world, ana):
    auth.login(world.emails["student"])
    assert upload(client, world.assignment_id, "gates.py", (REFERENCE / "gates" / "gates.py").read_bytes()).status_code == 303
    assert drain(app) == 1
    refused = upload(client, world.assignment_id, "gates.py", b"def add_forward(a, b):\n    return a +* b\n")
    page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "syntax error" in page and "no attempt was used" in page and "5 left" not in page and "4 left" in page
    notebook = upload(client, world.assignment_id, "work.ipynb", b'{"cells": [ broken')
    assert "cannot be graded" in client.get(notebook.headers["Location"]).get_data(as_text=True)
    wrong = upload(client, world.assignment_id, "layers.py", (REFERENCE / "layers" / "layers.py").read_bytes())
    assert "It looks like the layers assignment" in client.get(wrong.headers["Location"]).get_data(as_text=True)
    auth.logout()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 1
    assert same_everywhere(everywhere(app, client, auth, world)) == "100"


def test_instructors_may_turn_the_precheck_off_and_best_keeps_the_100(app, client, auth, world, ana):
    with app.app_context():
        db.session.get(Assignment, world.assignment_id).precheck_uploads = False
        db.session.commit()
    auth.login(world.emails["student"])
    upload(client, world.assignment_id, "gates.py", (REFERENCE / "gates" / "gates.py").read_bytes())
    upload(client, world.assignment_id, "gates.py", b"def add_forward(a, b):\n    return a +* b\n")
    assert drain(app) == 2
    auth.logout()
    with app.app_context():
        scores = db.session.scalars(select(Result.score).join(Submission, Submission.result_id == Result.id)
                                    .order_by(Submission.id)).all()
        assert scores == [100.0, 0.0]            # the broken file was graded 0 and used an attempt ...
    assert same_everywhere(everywhere(app, client, auth, world)) == "100"     # ... but the best counts


@pytest.mark.parametrize("policy, expected", [("best", "89.38"), ("latest", "45"), ("active", "50")])
def test_each_policy_is_the_same_number_everywhere(app, client, auth, world, ana, policy, expected):
    with app.app_context():
        assignment = db.session.get(Assignment, world.assignment_id)
        assignment.grade_policy = policy
        user = db.session.get(User, ana)
        graded(assignment, user, 40.0)                                  # 50
        graded(assignment, user, 71.5)                                  # 89.375
        graded(assignment, user, 36.0)                                  # 45
        db.session.commit()
    if policy == "active":
        auth.login(world.emails["student"])
        with app.app_context():
            first = db.session.scalar(select(Submission.id).order_by(Submission.id))
        assert client.post(f"/assignments/{world.assignment_id}/active/{first}").status_code == 303
        auth.logout()
    assert same_everywhere(everywhere(app, client, auth, world)) == expected


def test_a_points_change_rescales_past_results_at_once(app, client, auth, world, ana):
    with app.app_context():
        graded(db.session.get(Assignment, world.assignment_id), db.session.get(User, ana), 71.5)
        db.session.commit()
    assert same_everywhere(everywhere(app, client, auth, world)) == "89.38"
    auth.login(world.emails["instructor"])
    form = assignment_form(app, world, points="50")
    assert client.post(f"/staff/assignments/{world.assignment_id}/edit", data=form).status_code == 303
    auth.logout()
    assert same_everywhere(everywhere(app, client, auth, world)) == "44.69"      # 50 * 71.5 / 80 = 44.6875
    auth.login(world.emails["student"])
    assert "/ 50" in client.get(f"/assignments/{world.assignment_id}").get_data(as_text=True)


def test_a_points_change_scales_adjustments_with_the_scores(app, client, auth, world, ana):
    with app.app_context():
        row = graded(db.session.get(Assignment, world.assignment_id), db.session.get(User, ana), 72.0)   # 90
        db.session.add(ScoreAdjustment(submission_id=row.id, points=6.0, comment="partial credit"))
        db.session.commit()
    assert same_everywhere(everywhere(app, client, auth, world)) == "96"
    auth.login(world.emails["instructor"])
    answer = client.post(f"/staff/assignments/{world.assignment_id}/edit", data=assignment_form(app, world, points="50"),
                         follow_redirects=True).get_data(as_text=True)
    assert "1 manual adjustment(s) were scaled with them" in answer
    auth.logout()
    assert same_everywhere(everywhere(app, client, auth, world)) == "48"       # 45 + 3: the same 96%


def assignment_form(app, world, **changes) -> dict:
    with app.app_context():
        a = db.session.get(Assignment, world.assignment_id)
        tz = a.course.timezone
        local = a.due_at.astimezone(__import__("zoneinfo").ZoneInfo(tz))
        form = {"title": a.title, "slug": a.slug, "exercise": a.exercise, "points": str(a.points),
                "due_at": local.strftime("%Y-%m-%dT%H:%M"), "late_penalty_percent": str(a.late_penalty_percent),
                "late_days_allowed": str(a.late_days_allowed), "submission_limit": str(a.submission_limit or ""),
                "limit_period": str(a.limit_period), "grade_policy": a.grade_policy, "published": "y"}
        if a.precheck_uploads:
            form["precheck_uploads"] = "y"
    form.update(changes)
    return form


def test_an_extension_removes_a_late_penalty_it_covers_and_says_the_attempts_left(app, client, auth, world, ana):
    with app.app_context():
        assignment = db.session.get(Assignment, world.assignment_id)
        assignment.due_at, assignment.late_penalty_percent, assignment.late_days_allowed = utc(days=-2), 10.0, 5
        late = graded(assignment, db.session.get(User, ana), 80.0, penalty=20.0)
        late.submitted_at, late.late_days = utc(days=-1, hours=-1), 2
        db.session.commit()
        late_id = late.id
    assert same_everywhere(everywhere(app, client, auth, world)) == "80"
    auth.login(world.emails["ta"])
    due = (utc(days=3)).astimezone(__import__("zoneinfo").ZoneInfo("Europe/Paris")).strftime("%Y-%m-%dT%H:%M")
    answer = client.post(f"/staff/assignments/{world.assignment_id}/extensions",
                         data={"email": world.emails["student"], "due_at": due, "reason": "ill"}, follow_redirects=True)
    text = answer.get_data(as_text=True)
    assert "may now submit gates until" in text and "(4 attempts left)" in text
    assert "late penalty of 1 earlier attempt(s) was recomputed" in text
    auth.logout()
    assert same_everywhere(everywhere(app, client, auth, world)) == "100"
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "grade.late_penalty"))
        assert (entry.target, entry.old, entry.new) == (f"submission:{late_id}", "2 late day(s), -20%",
                                                        "0 late day(s), -0%")


def test_an_extension_to_a_student_with_no_attempts_left_says_so(app, client, auth, world, ana):
    with app.app_context():
        assignment = db.session.get(Assignment, world.assignment_id)
        assignment.submission_limit = 1
        graded(assignment, db.session.get(User, ana), 80.0)
        db.session.commit()
    auth.login(world.emails["student"])
    page = client.get(f"/assignments/{world.assignment_id}").get_data(as_text=True)
    assert re.search(r'<fieldset\s+disabled', page) and "You have used all your submissions" in page
    assert "up to" in page and "KB" in page
    auth.logout()
    auth.login(world.emails["ta"])
    answer = client.post(f"/staff/assignments/{world.assignment_id}/extensions",
                         data={"email": world.emails["student"], "due_at": "2030-01-01T10:00", "reason": ""},
                         follow_redirects=True).get_data(as_text=True)
    assert "no attempts left" in answer and "may now submit" not in answer


def test_moving_the_due_date_recomputes_penalties(app, client, auth, world, ana):
    with app.app_context():
        assignment = db.session.get(Assignment, world.assignment_id)
        assignment.late_penalty_percent, assignment.late_days_allowed = 25.0, 3
        on_time = graded(assignment, db.session.get(User, ana), 80.0)
        on_time.submitted_at = assignment.due_at - timedelta(hours=1)
        db.session.commit()
    auth.login(world.emails["instructor"])
    with app.app_context():
        earlier = (db.session.get(Assignment, world.assignment_id).due_at - timedelta(days=1, hours=12))
        local = earlier.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Paris")).strftime("%Y-%m-%dT%H:%M")
    assert client.post(f"/staff/assignments/{world.assignment_id}/edit",
                       data=assignment_form(app, world, due_at=local)).status_code == 303
    auth.logout()
    assert same_everywhere(everywhere(app, client, auth, world)) == "50"       # now 2 days late, -25% each


def test_students_see_adjustments_and_their_comment(app, client, auth, world, ana):
    with app.app_context():
        row = graded(db.session.get(Assignment, world.assignment_id), db.session.get(User, ana), 60.0)
        db.session.commit()
        row_id = row.id
    auth.login(world.emails["ta"])
    assert client.post(f"/staff/submissions/{row_id}/adjust",
                       data={"points": "5", "comment": "the spec was ambiguous"}).status_code == 303
    auth.logout()
    assert same_everywhere(everywhere(app, client, auth, world)) == "80"       # 75 + 5
    auth.login(world.emails["student"])
    for url in (f"/assignments/{world.assignment_id}", f"/submissions/{row_id}"):
        assert "the spec was ambiguous" in client.get(url).get_data(as_text=True)


def test_a_ta_is_told_they_cannot_edit_and_course_counts_leave_staff_out(app, client, auth, world, ana):
    auth.login(world.emails["ta"])
    upload(client, world.assignment_id, "gates.py", (REFERENCE / "gates" / "gates.py").read_bytes())   # "Try it"
    answer = client.get(f"/staff/assignments/{world.assignment_id}/edit")
    assert answer.status_code == 403 and b"TAs cannot edit assignments" in answer.data
    page = client.get(f"/staff/courses/{world.course_id}").get_data(as_text=True)
    assert "<td>0 / 2</td>" in page                     # the TA's try is not a student's submission
    assert 'id="queue-health"' in page and "1</strong> queued" in page


def test_staff_see_a_banner_and_healthz_says_when_grading_has_stalled(app, client, auth, world, ana):
    from server.models import WorkerHeartbeat
    with app.app_context():
        waiting = graded(db.session.get(Assignment, world.assignment_id), db.session.get(User, ana), 0.0,
                         status=__import__("server.models", fromlist=["SubmissionStatus"]).SubmissionStatus.QUEUED)
        waiting.submitted_at = utc(minutes=-5)
        db.session.add(WorkerHeartbeat(host="box", pid=42, started_at=utc(hours=-1), last_seen=utc(minutes=-3)))
        db.session.commit()
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_json()["grading"] == "stalled"
    queue = health.get_json()["queue"]
    assert (queue["queued"], queue["workers_alive"], queue["stalled"]) == (1, 0, True)
    assert 290 < queue["oldest_queued_seconds"] < 400
    assert client.get("/healthz?grading=1").status_code == 503
    auth.login(world.emails["ta"])
    assert b'id="stalled-banner"' in client.get(f"/staff/courses/{world.course_id}").data
    assert b'id="stalled-banner"' in client.get(f"/staff/assignments/{world.assignment_id}/dashboard").data
    auth.logout()
    auth.login(world.emails["student"])
    assert b'id="stalled-banner"' not in client.get(f"/assignments/{world.assignment_id}").data   # staff only
    with app.app_context():                      # a worker beats again: not stalled
        db.session.scalar(select(WorkerHeartbeat)).last_seen = utc(seconds=-2)
        db.session.commit()
    assert client.get("/healthz?grading=1").get_json()["grading"] == "ok"


def test_the_assignment_page_serves_the_starter_files_with_how_to_submit(app, client, auth, world, ana):
    import zipfile
    auth.login(world.emails["student"])
    page = client.get(f"/assignments/{world.assignment_id}").get_data(as_text=True)
    assert "python -m pip install -e ." in page and "grade login http://grader.test" in page
    assert page.index("grade login") < page.index("grade submit FILE --assignment gates</code>, or upload")
    with client.get(f"/assignments/{world.assignment_id}/starter") as response:
        assert response.status_code == 200 and "gates-starter.zip" in response.headers["Content-Disposition"]
        with zipfile.ZipFile(io.BytesIO(response.data)) as bundle:
            names = bundle.namelist()
    assert "gates/exercises/gates/gates.py" in names and "gates/pyproject.toml" in names
    assert not [n for n in names if "reference" in n or n.endswith("cases/hidden.py")]      # never the answers


def test_a_ta_home_is_a_staff_view_without_edit(app, client, auth, world, ana):
    auth.login(world.emails["ta"])
    home = client.get("/").get_data(as_text=True)
    assert "Students submitted" in home and "Dashboard</a>" in home and "/edit" not in home
    assert "Grade (counts)" not in home
    auth.logout()
    auth.login(world.emails["instructor"])
    assert f"/staff/assignments/{world.assignment_id}/edit" in client.get("/").get_data(as_text=True)
