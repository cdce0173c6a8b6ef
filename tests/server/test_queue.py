"""The queue's promise, on SQLite and PostgreSQL: every submission graded exactly once, none lost.

These run the real SqliteHuey of the test's instance folder (drain() is what a worker does with
each delivered id); the SIGKILL and Redis tests are in test_queue_processes.py.
"""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Assignment, Result, Submission, SubmissionStatus, TestRow, User, utcnow
from server.queue import lifecycle
from server.queue.grading import Graded
from server.submitting import submit
from server.uploads import Upload
from tests.server.helpers import REFERENCE, drain

GATES = (REFERENCE / "gates" / "gates.py").read_bytes()


def queue_of(app):
    return app.extensions["grading_queue"]


def new_submission(app, world, content: bytes = GATES, filename: str = "gates.py") -> int:
    with app.app_context():
        student = db.session.scalar(select(User).where(User.email == world.emails["student"]))
        assignment = db.session.get(Assignment, world.assignment_id)
        return submit(db.session, queue_of(app), student, assignment, Upload(filename, content)).id


def row(app, submission_id: int) -> Submission:
    with app.app_context():
        found = db.session.get(Submission, submission_id)
        db.session.expunge(found)
        return found


def results_of(app, submission_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Result).where(Result.submission_id == submission_id))


def test_a_submission_is_committed_queued_then_graded_once(app, world):
    submission_id = new_submission(app, world)
    assert row(app, submission_id).status is SubmissionStatus.QUEUED
    assert queue_of(app).huey.pending_count() == 1
    assert drain(app) == 1
    graded = row(app, submission_id)
    assert graded.status is SubmissionStatus.GRADED and graded.grading_attempts == 1
    assert results_of(app, submission_id) == 1
    with app.app_context():
        result = db.session.get(Result, graded.result_id)
        assert result.score == pytest.approx(10.0) and result.raw_score == result.raw_max > 0
        assert db.session.scalar(select(func.count()).select_from(TestRow).where(TestRow.result_id == result.id)) > 20


def test_a_duplicate_delivery_writes_one_result(app, world):
    submission_id = new_submission(app, world)
    queue_of(app).enqueue(submission_id)          # the same id delivered twice
    assert drain(app) == 2
    with app.app_context():
        assert queue_of(app).process(submission_id) == "not claimable"   # and a third time, later
    assert results_of(app, submission_id) == 1


def test_a_running_row_under_a_live_lease_cannot_be_claimed(app, world):
    submission_id = new_submission(app, world)
    with app.app_context():
        first = lifecycle.claim(db.session, submission_id, lease_seconds=60)
        assert first is not None
        assert lifecycle.claim(db.session, submission_id, lease_seconds=60) is None


def test_only_the_current_token_writes_after_a_lease_expires(app, world):
    submission_id = new_submission(app, world)
    with app.app_context():
        stale = lifecycle.claim(db.session, submission_id, lease_seconds=1)
        later = utcnow() + timedelta(seconds=5)
        fresh = lifecycle.claim(db.session, submission_id, lease_seconds=60, now=later)
        assert fresh is not None and fresh.token != stale.token
        assert not lifecycle.complete(db.session, stale, Graded(Result(raw_score=1, raw_max=1, score=1, max_score=1,
                                                                       report_json="{}"), []))
        assert lifecycle.complete(db.session, fresh, Graded(Result(raw_score=2, raw_max=2, score=2, max_score=2,
                                                                   report_json="{}"), []))
        assert not lifecycle.complete(db.session, fresh, Graded(Result(raw_score=3, raw_max=3, score=3, max_score=3,
                                                                       report_json="{}"), []))
        scores = db.session.scalars(select(Result.raw_score).where(Result.submission_id == submission_id)).all()
        assert scores == [2]
        assert db.session.get(Submission, submission_id).grading_attempts == 2


def test_a_crash_between_commit_and_enqueue_is_recovered_by_the_reaper(app, world, monkeypatch):
    monkeypatch.setattr(queue_of(app), "grade_task", _broken_queue)
    submission_id = new_submission(app, world)         # committed; the enqueue failed (and was logged)
    monkeypatch.undo()
    assert row(app, submission_id).status is SubmissionStatus.QUEUED
    assert queue_of(app).huey.pending_count() == 0
    with app.app_context():
        assert queue_of(app).reap() == []              # too recent: it may still be on its way
        _age(submission_id, seconds=60)
        assert queue_of(app).reap() == [submission_id]
        assert queue_of(app).reap() == []              # handed back once, not on every reaping
    assert drain(app) == 1
    assert row(app, submission_id).status is SubmissionStatus.GRADED
    assert results_of(app, submission_id) == 1


def _broken_queue(*_args):
    raise ConnectionError("the queue is down")


def _age(submission_id: int, seconds: float) -> None:
    from sqlalchemy import update
    db.session.execute(update(Submission).where(Submission.id == submission_id)
                       .values(enqueued_at=utcnow() - timedelta(seconds=seconds)))
    db.session.commit()


def test_a_restart_recovers_queued_and_running_rows(app, world, tmp_path, app_config):
    """The worker died holding one row and the queue lost another; a new process finds both."""
    lost = new_submission(app, world)
    held = new_submission(app, world)
    queue_of(app).huey.flush()                           # the queue lost every message
    with app.app_context():
        an_hour_ago = utcnow() - timedelta(hours=1)      # then the worker holding `held` died
        assert lifecycle.claim(db.session, held, lease_seconds=60, now=an_hour_ago) is not None
        _age(lost, seconds=3600)
    from server import create_app
    restarted = create_app(app_config, instance_path=str(tmp_path / "instance"))
    try:
        with restarted.app_context():
            assert sorted(queue_of(restarted).reap()) == sorted([lost, held])
        assert drain(restarted) == 2
        for submission_id in (lost, held):
            assert row(restarted, submission_id).status is SubmissionStatus.GRADED
            assert results_of(restarted, submission_id) == 1
        assert row(restarted, held).grading_attempts == 2
    finally:
        with restarted.app_context():
            db.engine.dispose()


def test_our_failures_retry_then_end_in_error_which_costs_no_attempt(app, world, monkeypatch):
    import server.queue.grading as grading
    monkeypatch.setattr(grading, "grade", _sandbox_crash)
    submission_id = new_submission(app, world)
    assert drain(app) == 3                           # GRADING_MAX_ATTEMPTS: claimed, failed, queued again
    failed = row(app, submission_id)
    assert failed.status is SubmissionStatus.ERROR and failed.grading_attempts == 3
    assert "does not count" in failed.error_message and "sandbox exploded" in failed.infrastructure_error
    assert results_of(app, submission_id) == 0
    monkeypatch.undo()
    with app.app_context():
        assert lifecycle.retry(db.session, submission_id)
        assert not lifecycle.retry(db.session, submission_id)      # not in error any more
        queue_of(app).enqueue(submission_id)
    assert drain(app) == 1
    assert row(app, submission_id).status is SubmissionStatus.GRADED


def _sandbox_crash(*_args, **_kwargs):
    raise RuntimeError("sandbox exploded")


def test_a_row_whose_workers_keep_dying_ends_in_error(app, world):
    submission_id = new_submission(app, world)
    with app.app_context():
        moment = utcnow()
        for attempt in range(3):                     # three workers SIGKILLed under it
            moment += timedelta(seconds=120)
            assert lifecycle.claim(db.session, submission_id, lease_seconds=60, now=moment) is not None
        claim = lifecycle.claim(db.session, submission_id, lease_seconds=60, now=moment + timedelta(seconds=120))
        assert lifecycle.give_up_if_exhausted(db.session, claim, max_attempts=3)
    failed = row(app, submission_id)
    assert failed.status is SubmissionStatus.ERROR and "killed or crashed" in failed.infrastructure_error


def test_the_queue_position_counts_the_rows_ahead(app, world):
    ids = [new_submission(app, world) for _ in range(3)]
    with app.app_context():
        positions = [lifecycle.queue_position(db.session, db.session.get(Submission, i)) for i in ids]
    assert positions == [1, 2, 3]
    drain(app, limit=1)
    with app.app_context():
        assert lifecycle.queue_position(db.session, db.session.get(Submission, ids[0])) is None
        assert lifecycle.queue_position(db.session, db.session.get(Submission, ids[2])) == 2


def test_a_syntax_error_is_a_graded_attempt_whose_report_says_why(app, world):
    with app.app_context():        # with the upload precheck on it would never reach the queue
        db.session.get(Assignment, world.assignment_id).precheck_uploads = False
        db.session.commit()
    submission_id = new_submission(app, world, b"def add_forward(x, y):\n    return x +\n")
    drain(app)
    graded = row(app, submission_id)
    assert graded.status is SubmissionStatus.GRADED
    with app.app_context():
        result = db.session.get(Result, graded.result_id)
        assert result.score == 0 and "syntax error" in result.report_json


def test_every_wrong_gradient_is_stored_on_its_test_row(app, world):
    # add_backward returns (db, da): right while a and b have one shape, both wrong-shaped once b is
    # broadcast (the edge cases); the report and the rows name both.
    swapped = GATES.replace(b"    return da, db\n", b"    return db, da\n", 1)
    assert swapped.split(b"return db, da")[0].rsplit(b"\ndef ", 1)[1].startswith(b"add_backward")
    submission_id = new_submission(app, world, swapped)
    drain(app)
    with app.app_context():
        result_id = row(app, submission_id).result_id
        stored = db.session.execute(select(TestRow.function, TestRow.check, TestRow.wrong_gradients)
                                    .where(TestRow.result_id == result_id, TestRow.wrong_gradients.is_not(None))).all()
        report = json.loads(db.session.get(Result, result_id).report_json)
    assert stored and {(f, c, g) for f, c, g in stored} == {("add_backward", "gradient edge cases", ",da,db,")}
    assert {tuple(t["wrong_gradients"]) for t in report["tests"] if t["wrong_gradients"]} == {("da", "db")}


def test_hidden_case_seeds_replay_and_differ_between_attempts(app, world):
    first, second = new_submission(app, world), new_submission(app, world)
    drain(app)
    with app.app_context():
        seeds = [db.session.get(Result, row(app, i).result_id).seed for i in (first, second)]
        from server.queue.grading import hidden_case_seed
        again = hidden_case_seed(app.config["GRADING_SECRET"], db.session.get(Submission, first),
                                 db.session.get(Assignment, world.assignment_id))
    assert seeds[0] != seeds[1] and again == seeds[0]


def test_an_idle_worker_polls_the_sqlite_queue_every_poll_interval_at_most(app):
    """Huey backs off to 10 s between polls of an empty SQLite queue; a student's first upload after
    a quiet spell would wait that out. The worker's consumer caps the wait at GRADING_POLL_SECONDS."""
    class RecordingFlag:
        def __init__(self):
            self.waits: list[float] = []

        def wait(self, seconds: float) -> bool:
            self.waits.append(seconds)
            return False

    queue = queue_of(app)
    assert not queue.huey.storage.blocking          # the embedded SqliteHuey (Redis blocks on BRPOP instead)
    worker = queue.consumer()._create_worker()
    worker.stop_flag = RecordingFlag()
    for _ in range(100):              # 100 polls of an empty queue: Huey alone would reach 10 s waits
        worker.loop()
    assert len(worker.stop_flag.waits) == 100
    assert max(worker.stop_flag.waits) == app.config["GRADING_POLL_SECONDS"] == 0.5
