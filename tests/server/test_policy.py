"""Deadlines, late days and penalties, extensions, submission limits, and the score after penalty."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from grader.results import Report, Status, Visibility
from grader.results import TestResult as GradedTest
from server import policy
from server.accounts import user_by_email
from server.extensions import db
from server.models import Assignment, Course, Extension, LimitPeriod, Submission, SubmissionStatus
from server.queue.grading import scored
from server.submitting import SubmitRefused, submit
from server.uploads import Upload
from tests.server.helpers import REFERENCE

DUE = datetime(2026, 3, 10, 22, 0, tzinfo=timezone.utc)       # 23:00 in Paris
SECOND, HOUR, DAY = timedelta(seconds=1), timedelta(hours=1), timedelta(days=1)


def rules(**fields) -> Assignment:
    values = dict(slug="gates", title="Gates", exercise="gates", points=10.0, due_at=DUE, published=True,
                  late_penalty_percent=10.0, late_days_allowed=2, limit_period=LimitPeriod.TOTAL, opens_at=None)
    values.update(fields)
    return Assignment(**values)


@pytest.mark.parametrize("after,days", [(-DAY, 0), (timedelta(0), 0), (SECOND, 1), (DAY, 1), (DAY + SECOND, 2),
                                        (2 * DAY + HOUR, 3)])
def test_a_late_day_is_every_day_started_after_the_deadline(after, days):
    assert policy.late_days(DUE + after, DUE) == days


@pytest.mark.parametrize("after,days,penalty", [(-HOUR, 0, 0.0), (SECOND, 1, 10.0), (DAY + SECOND, 2, 20.0),
                                                (2 * DAY, 2, 20.0)])
def test_late_submissions_cost_the_penalty_per_day(after, days, penalty):
    window = policy.window(rules(), None, DUE + after, "Europe/Paris")
    assert window.accepted and window.late_days == days and window.penalty_percent == penalty


def test_the_penalty_never_exceeds_everything():
    window = policy.window(rules(late_penalty_percent=60.0), None, DUE + DAY + SECOND, "UTC")
    assert window.accepted and window.penalty_percent == 100.0


def test_after_the_allowed_late_days_it_is_closed_and_says_until_when():
    window = policy.window(rules(), None, DUE + 2 * DAY + SECOND, "Europe/Paris")
    assert not window.accepted
    assert "The deadline was Tue 10 Mar 2026, 23:00 (Europe/Paris)" in window.reason
    assert "accepted until Thu 12 Mar 2026, 23:00 (Europe/Paris)" in window.reason
    assert "extension" in window.reason


def test_without_late_days_one_second_late_is_closed():
    window = policy.window(rules(late_days_allowed=0), None, DUE + SECOND, "UTC")
    assert not window.accepted and "no late submissions are accepted" in window.reason


def test_not_open_yet_says_when_it_opens():
    window = policy.window(rules(opens_at=DUE - DAY), None, DUE - 2 * DAY, "Europe/Paris")
    assert not window.accepted and window.reason == "Submissions open Mon 9 Mar 2026, 23:00 (Europe/Paris)."
    assert policy.window(rules(opens_at=DUE - DAY), None, DUE - HOUR, "UTC").accepted


def test_unpublished_is_closed():
    window = policy.window(rules(published=False), None, DUE - DAY, "UTC")
    assert not window.accepted and "not published" in window.reason


def test_an_extension_moves_the_deadline_and_the_late_count():
    extension = Extension(due_at=DUE + 3 * DAY)
    on_time = policy.window(rules(), extension, DUE + 2 * DAY + HOUR, "UTC")
    assert on_time.accepted and on_time.late_days == 0 and on_time.due_at == DUE + 3 * DAY
    late = policy.window(rules(), extension, DUE + 3 * DAY + SECOND, "UTC")
    assert late.accepted and late.late_days == 1 and late.penalty_percent == 10.0
    assert not policy.window(rules(), extension, DUE + 5 * DAY + SECOND, "UTC").accepted
    assert not policy.window(rules(), None, DUE + 2 * DAY + HOUR, "UTC").accepted


def report(passed: int, total: int) -> Report:
    return Report(tests=[GradedTest("add_forward", f"check{i}", Visibility.HIDDEN,
                                    Status.PASSED if i < passed else Status.FAILED, 1.0 if i < passed else 0.0, 1.0)
                         for i in range(total)])


@pytest.mark.parametrize("passed,penalty,score", [(4, 0.0, 20.0), (2, 0.0, 10.0), (2, 25.0, 7.5), (4, 100.0, 0.0),
                                                  (0, 10.0, 0.0)])
def test_the_score_is_in_the_assignments_points_after_the_penalty(passed, penalty, score):
    assignment = rules(points=20.0)
    graded = scored(report(passed, 4), Submission(penalty_percent=penalty), assignment, seed=7, seconds=0.1)
    assert graded.result.score == score and graded.result.max_score == 20.0
    assert (graded.result.raw_score, graded.result.raw_max) == (passed, 4)
    assert len(graded.tests) == 4


# What needs the database: counting attempts, and submit() itself.

def stored(app, world, *moments, status=SubmissionStatus.GRADED, who="student"):
    with app.app_context():
        user = user_by_email(db.session, world.emails[who])
        start = db.session.scalar(select(Submission.attempt).where(Submission.user_id == user.id)
                                  .order_by(Submission.attempt.desc()).limit(1)) or 0
        for number, moment in enumerate(moments, start=start + 1):
            db.session.add(Submission(assignment_id=world.assignment_id, user_id=user.id, attempt=number,
                                      filename="a.py", content=b"x = 1\n", sha256="0" * 64, size=6,
                                      submitted_at=moment, status=status))
        db.session.commit()
        return user.id


def used(app, world, user_id, now, tz, **fields) -> int:
    with app.app_context():
        assignment = db.session.get(Assignment, world.assignment_id)
        for name, value in fields.items():
            setattr(assignment, name, value)
        return policy.attempts_used(db.session, assignment, user_id, now, tz)


def test_a_total_limit_counts_every_attempt_but_our_failures(app, world):
    user_id = stored(app, world, DUE - 3 * DAY, DUE - 2 * DAY)
    stored(app, world, DUE - DAY, status=SubmissionStatus.ERROR)
    stored(app, world, DUE - DAY, who="other")
    assert used(app, world, user_id, DUE, "UTC", submission_limit=3) == 2
    with app.app_context():
        assignment = db.session.get(Assignment, world.assignment_id)
        assignment.submission_limit = 3
        assert policy.attempts_left(db.session, assignment, user_id, DUE, "UTC") == 1
        assignment.submission_limit = None
        assert policy.attempts_left(db.session, assignment, user_id, DUE, "UTC") is None


def test_a_daily_limit_counts_the_calendar_day_of_the_course(app, world):
    # 22:30 UTC on the 10th is 23:30 in Paris; 23:30 UTC is already 00:30 on the 11th in Paris.
    evening, after_midnight_in_paris = datetime(2026, 3, 10, 22, 30, tzinfo=timezone.utc), \
        datetime(2026, 3, 10, 23, 30, tzinfo=timezone.utc)
    user_id = stored(app, world, evening)
    day = dict(submission_limit=1, limit_period=LimitPeriod.DAY)
    assert used(app, world, user_id, after_midnight_in_paris, "UTC", **day) == 1
    assert used(app, world, user_id, after_midnight_in_paris, "Europe/Paris", **day) == 0
    assert used(app, world, user_id, evening + 10 * 60 * SECOND, "Europe/Paris", **day) == 1


def gates() -> Upload:
    return Upload("gates.py", (REFERENCE / "gates" / "gates.py").read_bytes())


class Queue:
    def __init__(self):
        self.ids = []

    def enqueue(self, submission_id):
        self.ids.append(submission_id)


def test_submit_refuses_a_student_outside_the_window_but_not_staff(app, world):
    with app.app_context():
        assignment = db.session.get(Assignment, world.assignment_id)
        assignment.due_at, assignment.late_days_allowed = DUE, 0
        db.session.commit()
        queue = Queue()
        with pytest.raises(SubmitRefused, match="no late submissions are accepted") as refused:
            submit(db.session, queue, user_by_email(db.session, world.emails["student"]), assignment, gates(),
                   now=DUE + HOUR)
        assert refused.value.status == 403 and queue.ids == []
        row = submit(db.session, queue, user_by_email(db.session, world.emails["ta"]), assignment, gates(),
                     now=DUE + 5 * DAY)
        assert (row.late_days, row.penalty_percent, queue.ids) == (0, 0.0, [row.id])
        assert db.session.scalar(select(Submission.id).where(Submission.user_id == row.user_id)) == row.id


def test_submit_records_late_days_and_refuses_over_the_limit(app, world):
    with app.app_context():
        assignment = db.session.get(Assignment, world.assignment_id)
        assignment.due_at, assignment.late_days_allowed, assignment.late_penalty_percent = DUE, 3, 15.0
        assignment.submission_limit, assignment.limit_period = 2, LimitPeriod.DAY
        course = db.session.get(Course, world.course_id)
        assert course.timezone == "Europe/Paris"
        db.session.commit()
        student, queue = user_by_email(db.session, world.emails["student"]), Queue()
        first = submit(db.session, queue, student, assignment, gates(), now=DUE + DAY + SECOND)
        assert (first.attempt, first.late_days, first.penalty_percent) == (1, 2, 30.0)
        first.status = SubmissionStatus.ERROR       # our failure: does not count
        db.session.commit()
        submit(db.session, queue, student, assignment, gates(), now=DUE + DAY + 2 * SECOND)
        third = submit(db.session, queue, student, assignment, gates(), now=DUE + DAY + 3 * SECOND)
        assert third.attempt == 3
        with pytest.raises(SubmitRefused, match="2 submissions per day") as refused:
            submit(db.session, queue, student, assignment, gates(), now=DUE + DAY + 4 * SECOND)
        assert (refused.value.status, refused.value.reason) == (403, "no_attempts_left")
        assert "You can submit again from Thu 12 Mar 2026, 00:00 (Europe/Paris)" in str(refused.value)
        assert len(queue.ids) == 3


def test_two_uploads_at_the_same_moment_cannot_both_pass_the_limit(app, world):
    """The second upload waits for the first (PostgreSQL: its row lock; SQLite: the one writer),
    then sees its attempt and is refused."""
    import threading

    from server.extensions import db as database
    from server.models import Assignment, Submission, User
    from server.submitting import SubmitRefused, submit
    from server.uploads import Upload
    with app.app_context():
        assignment = database.session.get(Assignment, world.assignment_id)
        assignment.submission_limit = 1
        database.session.commit()
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def upload_once() -> None:
        with app.app_context():
            student = database.session.scalar(select(User).where(User.email == world.emails["student"]))
            item = database.session.get(Assignment, world.assignment_id)
            start.wait()
            try:
                submit(database.session, app.extensions["grading_queue"], student, item, Upload("a.py", b"def add_forward(a, b):\n    return a + b\n"))
                outcomes.append("stored")
            except SubmitRefused as refusal:
                outcomes.append(f"refused {refusal.status}")
    threads = [threading.Thread(target=upload_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with app.app_context():
        stored = database.session.scalar(select(func.count()).select_from(Submission))
    assert stored == 1 and sorted(outcomes) == ["refused 403", "stored"], outcomes
