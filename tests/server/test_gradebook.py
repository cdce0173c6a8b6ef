"""The grade of record (server.gradebook): each policy, adjustments, one rounding, a points change
rescaling stored results, and the listener hook; on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server import gradebook
from server.extensions import db
from server.models import Assignment, Result, ScoreAdjustment, Submission, SubmissionStatus, User, utcnow


def graded(assignment: Assignment, user: User, raw: float, *, raw_max: float = 80.0, penalty: float = 0.0,
           status: SubmissionStatus = SubmissionStatus.GRADED) -> Submission:
    """A submission graded `raw`/`raw_max` by the grader, stored as the queue stores one."""
    attempt = 1 + len(db.session.scalars(select(Submission.id).where(
        Submission.assignment_id == assignment.id, Submission.user_id == user.id)).all())
    row = Submission(assignment_id=assignment.id, user_id=user.id, attempt=attempt, filename="gates.py",
                     content=b"x", sha256="0" * 64, size=1, penalty_percent=penalty, status=status,
                     graded_at=utcnow())
    db.session.add(row)
    db.session.flush()
    if status is SubmissionStatus.GRADED:
        result = Result(submission_id=row.id, raw_score=raw, raw_max=raw_max, report_json="{}",
                        score=gradebook.automatic_score(assignment.points, raw, raw_max, penalty),
                        max_score=assignment.points)
        db.session.add(result)
        db.session.flush()
        row.result_id = result.id
    db.session.flush()
    gradebook.refresh(db.session, assignment, [user.id])      # as the queue does when a grade lands
    return row


def student(email: str = "ana@uni.test") -> User:
    return db.session.scalar(select(User).where(User.email == email))


@pytest.mark.parametrize("policy, expected_attempt, expected_score", [
    ("best", 1, 100.0), ("latest", 3, 0.0), ("active", 2, 89.38)])
def test_each_policy_picks_its_submission(app, world, policy, expected_attempt, expected_score):
    with app.app_context():
        assignment = db.session.get(Assignment, world.assignment_id)
        assignment.points, assignment.grade_policy = 100.0, policy
        ana = student()
        graded(assignment, ana, 80.0)                       # 100/100
        second = graded(assignment, ana, 71.5)              # 89.375 -> 89.38
        graded(assignment, ana, 0.0)                        # a syntax error graded 0
        graded(assignment, ana, 0.0, status=SubmissionStatus.ERROR)   # our failure: never a grade
        if policy == "active":
            gradebook.choose_active(db.session, assignment, second)
        db.session.commit()
        grade = gradebook.grade_of_record(db.session, assignment, ana.id)
        assert (grade.attempt, grade.score, grade.max_score, grade.policy) == (expected_attempt, expected_score,
                                                                                100.0, policy)


def test_active_defaults_to_the_latest_graded(app, world):
    with app.app_context():
        assignment = db.session.get(Assignment, world.assignment_id)
        assignment.grade_policy = "active"
        ana = student()
        graded(assignment, ana, 80.0)
        latest = graded(assignment, ana, 40.0)
        db.session.commit()
        assert gradebook.grade_of_record(db.session, assignment, ana.id).submission_id == latest.id


def test_no_graded_submission_is_none(app, world):
    with app.app_context():
        assignment = db.session.get(Assignment, world.assignment_id)
        graded(assignment, student(), 0.0, status=SubmissionStatus.QUEUED)
        db.session.commit()
        assert gradebook.grade_of_record(db.session, assignment, student().id) is None


def test_adjustment_counts_and_can_change_the_best(app, world):
    with app.app_context():
        assignment = db.session.get(Assignment, world.assignment_id)
        assignment.points = 100.0
        ana = student()
        graded(assignment, ana, 72.0)                       # 90
        low = graded(assignment, ana, 64.0)                 # 80, then +15 by hand: 95 is the best
        db.session.add(ScoreAdjustment(submission_id=low.id, points=15.0, comment="regraded by hand"))
        gradebook.refresh(db.session, assignment, [ana.id])     # as server.dashboard.adjust does
        db.session.commit()
        grade = gradebook.grade_of_record(db.session, assignment, ana.id)
        assert (grade.submission_id, grade.score, grade.automatic, grade.adjustment,
                grade.adjustment_comment) == (low.id, 95.0, 80.0, 15.0, "regraded by hand")
        db.session.get(ScoreAdjustment, 1).points = -200.0     # never below zero
        gradebook.refresh(db.session, assignment, [ana.id])
        db.session.commit()
        assert gradebook.grade_of_record(db.session, assignment, ana.id).score == 90.0


def test_points_change_rescales_past_results(app, world):
    with app.app_context():
        assignment = db.session.get(Assignment, world.assignment_id)
        assignment.points = 100.0
        ana = student()
        graded(assignment, ana, 80.0, penalty=10.0)          # 90/100 after 10% late
        db.session.commit()
        assignment.points = 50.0
        assert gradebook.rescale(db.session, assignment) == 1
        db.session.commit()
        grade = gradebook.grade_of_record(db.session, assignment, ana.id)
        assert (grade.score, grade.max_score, grade.text) == (45.0, 50.0, "45/50")
        result = db.session.scalar(select(Result))
        assert (result.raw_score, result.raw_max, result.max_score) == (80.0, 80.0, 50.0)


def test_the_stored_records_are_what_the_live_query_computes(app, world):
    with app.app_context():
        assignment = db.session.get(Assignment, world.assignment_id)
        ana, bo = student(), student("bo@uni.test")
        for raw in (10.0, 55.5, 30.0):
            graded(assignment, ana, raw)
            graded(assignment, bo, 80.0 - raw)
        # best -> latest moves both; latest -> active (nothing chosen: the latest) moves none; back to best.
        for policy, moves in (("latest", True), ("active", False), ("best", True)):
            assignment.grade_policy = policy
            before = stored(assignment)
            assert (before != live(assignment)) is moves           # stale until refreshed ...
            gradebook.refresh(db.session, assignment)
            assert stored(assignment) == live(assignment)          # ... and current after


def stored(assignment) -> dict[int, int]:
    record = gradebook.records(assignment)
    return dict(db.session.execute(select(record.c.user_id, record.c.submission_id)).all())


def live(assignment) -> dict[int, int]:
    record = gradebook.live_records(assignment)
    return dict(db.session.execute(select(record.c.user_id, record.c.submission_id)).all())


def test_bulk_matches_one_by_one(app, world):
    with app.app_context():
        assignment = db.session.get(Assignment, world.assignment_id)
        ana, bo = student(), student("bo@uni.test")
        for raw in (10.0, 55.5, 30.0):
            graded(assignment, ana, raw)
            graded(assignment, bo, 80.0 - raw)
        db.session.commit()
        bulk = gradebook.grades_of_record(db.session, assignment)
        assert set(bulk) == {ana.id, bo.id}
        for user in (ana, bo):
            assert bulk[user.id] == gradebook.grade_of_record(db.session, assignment, user.id)
        assert bulk[ana.id].score == 6.94 and bulk[bo.id].score == 8.75     # 10 * 55.5/80, 10 * 70/80


@pytest.mark.parametrize("value, text", [(89.375, "89.38"), (100 * 71.5 / 80, "89.38"), (100.0, "100"),
                                         (7.5, "7.5"), (0.0, "0"), (2.675, "2.68"), (0.004, "0")])
def test_one_rounding(value, text):
    assert gradebook.show(value) == text


def test_listeners_hear_of_changes_and_cannot_break_them():
    heard = []

    def listener(session, assignment_id, user_id):
        heard.append((assignment_id, user_id))

    def broken(session, assignment_id, user_id):
        raise RuntimeError("LMS down")
    gradebook.add_listener(broken)
    gradebook.add_listener(listener)
    try:
        gradebook.on_grade_changed(None, 3, 7)
        gradebook.on_grades_changed(None, 4, [1, 2])
    finally:
        gradebook.remove_listener(broken)
        gradebook.remove_listener(listener)
    assert heard == [(3, 7), (4, 1), (4, 2)]
