"""`grade serve` keeps grading when its worker dies: the SIGKILLed worker is reaped (no zombie),
logged and replaced at once, and the next submission is graded within seconds without a restart;
the queue's health (/healthz) shows the worker's heartbeat."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sqlalchemy import select

from server import create_app
from server.extensions import db
from server.models import Course, Role, Submission, SubmissionStatus, User
from server.submitting import submit
from server.uploads import Upload
from tests.server.helpers import REFERENCE, make_assignment, make_user
from tests.server.test_serve import free_port, stop

ROOT = Path(__file__).resolve().parents[2]


def children(pid: int) -> set[int]:
    """Live (not zombie) child processes of `pid`, from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def zombie_or_gone(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def wait_for(predicate, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}:\n{log.read_text()}")


def test_a_sigkilled_worker_is_replaced_and_the_next_submission_is_graded(tmp_path):
    instance, log = tmp_path / "instance", tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(GRADER_INSTANCE=str(instance), GRADER_GRADING_HEARTBEAT_SECONDS="1",
               GRADER_GRADING_LEASE_SECONDS="4", GRADER_GRADING_REAP_SECONDS="1")
    port = free_port()
    with open(log, "wb") as sink:
        serve = subprocess.Popen([sys.executable, "-m", "grader.cli", "serve", "--port", str(port)], cwd=ROOT,
                                 env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(lambda: "Ctrl-C stops" in log.read_text(), 90, "grade serve to start", log)
        app = create_app({"TESTING": True}, instance_path=str(instance))
        with app.app_context():
            course = Course(code="bp101", title="Backprop 101")
            db.session.add(course)
            db.session.flush()
            make_user("ana@uni.test", Role.STUDENT, course)
            make_assignment(course)
            db.session.commit()

        def send() -> int:
            with app.app_context():
                ana = db.session.scalar(select(User).where(User.email == "ana@uni.test"))
                assignment = db.session.scalar(select(Course).where(Course.code == "bp101")).assignments[0]
                row = submit(db.session, app.extensions["grading_queue"], ana, assignment,
                             Upload("gates.py", (REFERENCE / "gates" / "gates.py").read_bytes()))
                return row.id

        def graded(submission_id: int) -> bool:
            with app.app_context():
                status = db.session.get(Submission, submission_id).status
                db.session.remove()
                return status is SubmissionStatus.GRADED

        first = send()
        wait_for(lambda: graded(first), 60, "the first grade", log)
        (worker,) = wait_for(lambda: children(serve.pid) or None, 10, "the worker", log)

        os.kill(worker, signal.SIGKILL)
        killed_at = time.monotonic()
        (replacement,) = wait_for(lambda: (children(serve.pid) - {worker}) or None, 10, "a new worker", log)
        assert time.monotonic() - killed_at < 5
        assert zombie_or_gone(worker) == "gone"                   # reaped, not a zombie
        assert f"(pid {worker}) killed by signal 9" in log.read_text()

        second = send()
        wait_for(lambda: graded(second), 30, "the next grade after the kill", log)
        assert replacement in children(serve.pid)

        health = wait_for(lambda: _healthz(port) if _healthz(port)["queue"]["workers_alive"] else None, 10,
                          "the replacement's heartbeat", log)
        assert health["grading"] == "ok" and health["queue"]["queued"] == 0
        assert replacement in [w["pid"] for w in health["queue"]["workers"] if w["alive"]]
    finally:
        stop(serve)
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)


def _healthz(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
        return json.loads(response.read())
