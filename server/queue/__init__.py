"""The grading queue: Huey carries submission ids; the database row keeps the promise.

SqliteHuey in the instance folder is the embedded default; RedisHuey when REDIS_URL is set, so that
several `grade worker` processes, on one machine or many, share the load.
"""
from __future__ import annotations

import logging
from pathlib import Path

from huey import RedisHuey, SqliteHuey

from ..extensions import db
from ..models import Submission
from . import lifecycle
from .grading import GraderCrash, InfrastructureError, crashed_grade, grade_submission

log = logging.getLogger(__name__)


def make_huey(config: dict, instance_path: str):
    immediate = bool(config.get("QUEUE_IMMEDIATE"))
    if config.get("REDIS_URL"):
        return RedisHuey("grader", url=config["REDIS_URL"], immediate=immediate)
    Path(instance_path).mkdir(parents=True, exist_ok=True)
    return SqliteHuey("grader", filename=str(Path(instance_path) / "queue.db"), immediate=immediate)


class GradingQueue:
    """The app's queue: `enqueue(id)` from the web side; `process(id)` and `reap()` in a worker
    (`grade worker` reaps at start and every GRADING_REAP_SECONDS)."""

    def __init__(self, app):
        self.app = app
        self.huey = make_huey(app.config, app.instance_path)
        self.grader_options: dict = dict(app.config.get("GRADER_OPTIONS") or {})
        queue = self

        @self.huey.task(name="grade_submission")
        def grade_task(submission_id: int) -> None:
            with queue.app.app_context():
                queue.process(submission_id)

        self.grade_task = grade_task

    def enqueue(self, submission_id: int) -> bool:
        """Hand the id to the queue; the row must already be committed. A failure leaves the row
        queued for the reaper, so the caller need not care."""
        try:
            self.grade_task(submission_id)
            return True
        except Exception:  # noqa: BLE001 - Redis down, the queue file locked: the reaper recovers it
            log.exception("could not enqueue submission %s; the reaper will", submission_id)
            return False

    def consumer(self):
        """The Huey consumer a `grade worker` process runs: one grading thread (the zygote and the
        sandbox are per process), polling an empty SQLite queue every GRADING_POLL_SECONDS at most."""
        poll = self.app.config["GRADING_POLL_SECONDS"]
        return self.huey.create_consumer(workers=1, worker_type="thread", periodic=False, check_worker_health=True,
                                         initial_delay=min(0.1, poll), max_delay=poll)

    def pending(self) -> int | None:
        try:
            return self.huey.pending_count()
        except Exception:  # noqa: BLE001
            return None

    def process(self, submission_id: int) -> str:
        """Claim, grade, record: what a worker does with one delivered id. The id is a turn to grade
        one row, the fairest waiting across students (lifecycle.claim_next), which is the delivered
        one unless another student's has waited its turn longer. Returns what happened."""
        config = self.app.config
        session = db.session
        claimed = lifecycle.claim_next(session, config["GRADING_LEASE_SECONDS"])
        if claimed is None:
            return "not claimable"       # nothing waits: graded already, or held by other workers
        submission_id = claimed.submission_id
        if lifecycle.give_up_if_exhausted(session, claimed, config["GRADING_MAX_ATTEMPTS"]):
            return "gave up"
        submission = session.get(Submission, submission_id)
        try:
            graded = grade_submission(submission, secret=config["GRADING_SECRET"],
                                      options=self.grader_call_options())
        except InfrastructureError as error:
            log.error("grading submission %s failed: %s", submission_id, error)
            status = lifecycle.give_back(session, claimed, str(error), config["GRADING_MAX_ATTEMPTS"])
            if status is lifecycle.QUEUED:
                self.enqueue(submission_id)
            return f"given back ({status})"
        except GraderCrash as error:
            log.exception("the grader crashed on submission %s", submission_id)
            attempts = submission.grading_attempts
            if attempts < config["GRADING_MAX_ATTEMPTS"]:
                status = lifecycle.give_back(session, claimed, f"grader crash: {error}", config["GRADING_MAX_ATTEMPTS"])
                if status is lifecycle.QUEUED:
                    self.enqueue(submission_id)
                return f"given back ({status})"
            graded = crashed_grade(submission, secret=config["GRADING_SECRET"], attempts=attempts)
            written = lifecycle.complete(session, claimed, graded, staff_note=f"grader crash: {error}")
            return "counted after crashes" if written else "superseded"
        written = lifecycle.complete(session, claimed, graded)
        return "graded" if written else "superseded"

    def grader_call_options(self) -> dict:
        """The keyword arguments every grade in this app passes to grader.grade (course, budget)."""
        options = {"course": self.app.config.get("GRADER_COURSE"),
                   "budget_seconds": self.app.config["GRADING_BUDGET_SECONDS"], **self.grader_options}
        if self.app.config.get("GRADING_ALLOW_UNSANDBOXED"):
            options["allow_unsandboxed"] = True
        return options

    def reap(self) -> list[int]:
        """Enqueue again what a dead worker or a lost message left behind."""
        pending = self.pending()
        ids = lifecycle.rows_to_reap(db.session, stale_seconds=self.app.config["GRADING_STALE_QUEUED_SECONDS"],
                                     grace_seconds=self.app.config["GRADING_LOST_GRACE_SECONDS"],
                                     queue_is_empty=pending == 0)
        for submission_id in ids:
            self.enqueue(submission_id)
        if ids:
            log.warning("reaper re-enqueued %d submission(s): %s", len(ids), ids[:20])
        return ids
