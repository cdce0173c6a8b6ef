"""A regrade as a dry run through the real queue and grader: nothing is published until an
instructor says so, starting twice or a duplicate delivery grades nothing twice, the preview says
up / down / unchanged with the checks that changed, publish switches the results of record (and
keeps manual adjustments), discard leaves everything as it was."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.dashboard import regrade as regrade_module
from server.extensions import db
from server.models import (Assignment, AuditEntry, CheckHistory, Regrade, RegradeItem, Result, Role, ScoreAdjustment,
                           Submission, TestRow, User)
from tests.server.helpers import REFERENCE, drain, make_user, upload

BUGGY = REFERENCE.parents[0] / "tests" / "corpus" / "buggy" / "gates_mul_backward_swapped.py"


@pytest.fixture
def graded(app, client, auth, world):
    """Three students' latest submissions, graded for real: correct, buggy, and not code at all (the
    upload precheck, which would refuse it, is off)."""
    with app.app_context():
        from server.models import Course
        make_user("cy@uni.test", Role.STUDENT, db.session.get(Course, world.course_id))
        db.session.get(Assignment, world.assignment_id).precheck_uploads = False
        db.session.commit()
    files = {"student": ("gates.py", (REFERENCE / "gates" / "gates.py").read_bytes()),
             "other": ("gates.py", BUGGY.read_bytes()),
             "cy": ("gates.py", b"print('hello')\n")}
    for who, (name, content) in files.items():
        auth.login(world.emails.get(who, "cy@uni.test"))
        assert upload(client, world.assignment_id, name, content).status_code == 303
        auth.logout()
    assert drain(app) == 3
    with app.app_context():
        rows = db.session.execute(select(User.email, Submission.id, Result.score).join(Submission.user)
                                  .join(Result, Result.id == Submission.result_id)).all()
    return {email: (sid, score) for email, sid, score in rows}


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_dry_run_preview_publish(app, client, auth, world, graded, monkeypatch):
    ana, bo, cy = (graded[e] for e in ("ana@uni.test", "bo@uni.test", "cy@uni.test"))
    assert ana[1] == 10 and 0 < bo[1] < 10 and cy[1] == 0
    real = regrade_module.grade_submission

    def upgraded_grader(submission, **kwargs):
        """A grader upgrade that fails the correct student's first check (so their score goes down)."""
        out = real(submission, **kwargs)
        if submission.id == ana[0]:
            out.tests[0].update(status="failed", score=0.0)
            out.result.score = 5.0
        return out
    monkeypatch.setattr(regrade_module, "grade_submission", upgraded_grader)
    with app.app_context():                       # the instructor doubles the points
        db.session.get(Assignment, world.assignment_id).points = 20.0
        db.session.add(ScoreAdjustment(submission_id=bo[0], points=1.0, comment="typo in the spec"))
        db.session.commit()

    auth.login(world.emails["ta"])
    assert client.post(f"/staff/assignments/{world.assignment_id}/regrade").status_code == 404   # instructors only
    auth.logout()
    auth.login(world.emails["instructor"])
    assert client.post(f"/staff/assignments/{world.assignment_id}/regrade").status_code == 303
    assert client.post(f"/staff/assignments/{world.assignment_id}/regrade").status_code == 303   # twice
    assert count(app, Regrade) == 1 and count(app, RegradeItem) == 3
    assert drain(app) == 6 - 0 and count(app, Result) == 6        # 3 deliveries + 3 re-sent: graded once each
    with app.app_context():
        item_id = db.session.scalar(select(RegradeItem.id))
    app.extensions["dashboard_regrade_task"](item_id)            # a duplicate delivery
    assert drain(app) == 1 and count(app, Result) == 6

    with app.app_context():                                       # nothing published yet
        assert {s.id: s.result.score for s in db.session.scalars(select(Submission))} == {
            ana[0]: ana[1], bo[0]: bo[1], cy[0]: cy[1]}
        db.session.scalar(select(User).where(User.email == "cy@uni.test")).name = "Aaron Cy"     # first by name
        db.session.commit()
        listed = regrade_module.preview(db.session, db.session.scalar(select(Regrade)))
        # What changed comes first (down, then up), the unchanged last, whatever the names.
        assert [c.direction for c in listed] == ["down", "up", "unchanged"]
        changes = {c.user.email: c for c in listed}
    assert changes["ana@uni.test"].direction == "down" and changes["ana@uni.test"].new == 5.0
    assert len(changes["ana@uni.test"].checks) == 1 and changes["ana@uni.test"].checks[0].startswith("add_forward: ")
    assert changes["bo@uni.test"].direction == "up" and changes["bo@uni.test"].new == pytest.approx(2 * bo[1], abs=1e-3)
    assert changes["bo@uni.test"].checks == []                    # same verdicts, more points
    assert changes["cy@uni.test"].direction == "unchanged"
    page = client.get(f"/staff/assignments/{world.assignment_id}/regrade").get_data(as_text=True)
    assert 'id="regrade-up">1<' in page and 'id="regrade-down">1<' in page and 'id="regrade-unchanged">1<' in page

    with app.app_context():
        regrade_id = db.session.scalar(select(Regrade.id))
    auth.logout()
    auth.login(world.emails["ta"])
    assert client.post(f"/staff/regrades/{regrade_id}/publish").status_code == 404
    auth.logout()
    auth.login(world.emails["instructor"])
    assert client.post(f"/staff/regrades/{regrade_id}/publish").status_code == 303
    with app.app_context():
        scores = {s.id: s.result.score for s in db.session.scalars(select(Submission))}
        assert scores == {ana[0]: 5.0, bo[0]: pytest.approx(2 * bo[1], abs=1e-3), cy[0]: 0}
        assert db.session.scalar(select(ScoreAdjustment.points).where(ScoreAdjustment.submission_id == bo[0])) == 1.0
        audited = {e.target: (e.old, e.new) for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "grade.regrade"))}
        assert audited[f"submission:{ana[0]}"] == ("10", "5") and set(audited) == {f"submission:{ana[0]}",
                                                                                   f"submission:{bo[0]}"}
        assert float(audited[f"submission:{bo[0]}"][1]) == pytest.approx(2 * bo[1], abs=1e-3)
        assert db.session.get(Regrade, regrade_id).open_for is None
        # the check the upgrade failed is now ana's latest verdict on the dashboard's summary too
        first = db.session.scalars(select(TestRow).where(TestRow.submission_id == ana[0])
                                   .order_by(TestRow.result_id.desc(), TestRow.position)).first()
        history = db.session.scalar(select(CheckHistory).where(
            CheckHistory.user_id == db.session.scalar(select(User.id).where(User.email == "ana@uni.test")),
            CheckHistory.function == first.function, CheckHistory.check == first.check))
        assert (history.verdicts, history.latest) == ("F", "F")
    html = client.get(f"/staff/assignments/{world.assignment_id}/dashboard").get_data(as_text=True)
    assert 'data-final="5.0"' in html


def test_discard_leaves_the_grades_alone(app, client, auth, world, graded):
    auth.login(world.emails["instructor"])
    client.post(f"/staff/assignments/{world.assignment_id}/regrade")
    with app.app_context():
        regrade_id = db.session.scalar(select(Regrade.id))
    refused = client.post(f"/staff/regrades/{regrade_id}/publish", follow_redirects=True)
    assert b"still being regraded" in refused.data                # publish waits for every item
    assert drain(app) == 3 and count(app, Result) == 6
    assert client.post(f"/staff/regrades/{regrade_id}/discard").status_code == 303
    assert count(app, Result) == 3
    with app.app_context():
        assert {s.id: s.result.score for s in db.session.scalars(select(Submission))} == {
            sid: score for sid, score in graded.values()}
    app.extensions["dashboard_regrade_task"](1)                   # a late delivery to a closed regrade
    assert drain(app) == 1 and count(app, Result) == 3
    assert client.post(f"/staff/assignments/{world.assignment_id}/regrade").status_code == 303   # a new one may start
    assert count(app, Regrade) == 2
