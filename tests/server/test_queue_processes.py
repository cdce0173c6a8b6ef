"""The queue with real worker processes: a worker SIGKILLed mid-grade leaves a submission that is
graded again exactly once, by another worker, on SQLite + the SQLite queue and on PostgreSQL +
the real Redis."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from server import create_app
from server.extensions import db
from server.models import Assignment, Course, Result, Role, Submission, SubmissionStatus
from server.submitting import submit
from server.uploads import Upload
from tests.server.helpers import REFERENCE, make_assignment, make_user

REDIS_DB = 11      # a database of the machine's Redis that nothing else here uses; flushed before and after

SLOW_TAIL = b'''
import functools as _functools
import time as _time

def _slowly(function):
    @_functools.wraps(function)
    def wrapper(*args, **kwargs):
        _time.sleep(0.004)
        return function(*args, **kwargs)
    return wrapper

for _name in [n for n in dir() if n.endswith(("_forward", "_backward"))]:
    globals()[_name] = _slowly(globals()[_name])
'''


@pytest.fixture(params=["sqlite+sqlite-queue", "postgresql+redis"])
def deployment(request, tmp_path):
    """An app and the environment its worker processes need to share its database and queue."""
    env = {**os.environ, "SECRET_KEY": "test-secret", "GRADING_SECRET": "test-grading-secret",
           "GRADER_GRADING_LEASE_SECONDS": "4", "GRADER_GRADING_REAP_SECONDS": "1",
           "GRADER_INSTANCE": str(tmp_path / "instance")}
    env.pop("REDIS_URL", None)
    if request.param.startswith("sqlite"):
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'grader.db'}"
    else:
        env["DATABASE_URL"] = request.getfixturevalue("postgres_database")
        env["REDIS_URL"] = f"redis://127.0.0.1:6379/{REDIS_DB}"
        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    config = {key: env[key] for key in ("SECRET_KEY", "GRADING_SECRET", "DATABASE_URL") if key in env}
    if "REDIS_URL" in env:
        config["REDIS_URL"] = env["REDIS_URL"]
    app = create_app({**config, "TESTING": True, "GRADING_LEASE_SECONDS": 4}, instance_path=env["GRADER_INSTANCE"])
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app, env
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    if "REDIS_URL" in env:
        redis.Redis.from_url(env["REDIS_URL"]).flushdb()


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    with open(log, "ab") as sink:        # the child keeps its own copy of the descriptor
        return subprocess.Popen([sys.executable, "-m", "server.cli", "worker"], env=env,
                                cwd=Path(__file__).parents[2], stdout=sink, stderr=subprocess.STDOUT)


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def state(app, submission_id: int) -> tuple[SubmissionStatus, int, int]:
    with app.app_context():
        row = db.session.get(Submission, submission_id)
        results = db.session.scalar(select(func.count()).select_from(Result).where(Result.submission_id == row.id))
        status, attempts = row.status, row.grading_attempts
        db.session.remove()
        return status, attempts, results


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_worker_killed_mid_grade_leaves_a_submission_graded_exactly_once(deployment, tmp_path):
    app, env = deployment
    slow = (REFERENCE / "gates" / "gates.py").read_bytes() + SLOW_TAIL
    with app.app_context():
        course = Course(code="kill", title="Kill test", timezone="UTC")
        db.session.add(course)
        db.session.flush()
        student = make_user("kill@uni.test", Role.STUDENT, course)
        assignment = make_assignment(course)
        db.session.commit()
        submission_id = submit(db.session, app.extensions["grading_queue"], student,
                               db.session.get(Assignment, assignment.id), Upload("gates.py", slow)).id
    log = tmp_path / "workers.log"
    first = start_worker(env, log)
    second = None
    try:
        wait_for(lambda: state(app, submission_id)[0] is SubmissionStatus.RUNNING, 60, "the first worker to claim it")
        time.sleep(0.5)                                   # mid-grade
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert state(app, submission_id) == (SubmissionStatus.RUNNING, 1, 0)
        second = start_worker(env, log)
        wait_for(lambda: state(app, submission_id)[0] is SubmissionStatus.GRADED, 120, "the second worker to grade it")
        time.sleep(1.5)                                   # a late duplicate would have landed by now
        status, attempts, results = state(app, submission_id)
        assert (status, attempts, results) == (SubmissionStatus.GRADED, 2, 1)
        with app.app_context():
            result = db.session.get(Result, db.session.get(Submission, submission_id).result_id)
            assert result.score == pytest.approx(10.0), result.report_json[:2000]
    finally:
        for process in (first, second):
            if process is not None:
                stop(process)
        print(log.read_text()[-5000:])      # shown when the test fails
