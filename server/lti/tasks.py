"""The LTI work the queue does (grade passbacks, roster syncs) on the grading queue's Huey, and the
sweep a worker runs beside its reaper: due retries, lost messages, rosters due for a sync."""
from __future__ import annotations

import logging

from ..extensions import db
from ..models.lti import LtiContext
from . import frames, passback, roster
from .gradebook import add_listener

log = logging.getLogger(__name__)


class LtiTasks:
    """`send(id)` and `sync(context_id)` from anywhere (they only enqueue), `sweep()` in a worker."""

    def __init__(self, app):
        self.app = app
        huey = app.extensions["grading_queue"].huey
        tasks = self

        @huey.task(name="lti_passback")
        def passback_task(passback_id: int) -> None:
            with tasks.app.app_context():
                outcome, delay = passback.process(db.session, passback_id, instance_path=tasks.app.instance_path,
                                                  lease_seconds=tasks.app.config["LTI_PASSBACK_LEASE_SECONDS"])
                if delay is not None:
                    tasks._enqueue(passback_task, passback_id, delay=delay)

        @huey.task(name="lti_roster_sync")
        def roster_task(context_id: int) -> None:
            with tasks.app.app_context():
                context = db.session.get(LtiContext, context_id)
                if context is not None:
                    try:
                        roster.sync(db.session, context, tasks.app.instance_path)
                    except roster.RosterError as error:
                        log.warning("roster sync of LMS context %s failed: %s", context_id, error)

        self.passback_task, self.roster_task = passback_task, roster_task

    def _enqueue(self, task, argument: int, delay: float | None = None) -> bool:
        """Hand an id to the queue; a failure leaves the row for the sweep, so callers need not care."""
        try:
            if delay:
                task.schedule((argument,), delay=delay)
            else:
                task(argument)
            return True
        except Exception:  # noqa: BLE001 - Redis down, the queue file locked: the sweep recovers it
            log.exception("could not enqueue %s(%s); the sweep will", task.name, argument)
            return False

    def send(self, passback_id: int) -> bool:
        return self._enqueue(self.passback_task, passback_id)

    def sync(self, context_id: int) -> bool:
        return self._enqueue(self.roster_task, context_id)

    def grade_changed(self, session, assignment_id: int, user_id: int) -> None:
        """The gradebook's listener: mark the rows (committed), then enqueue them; no LMS call here."""
        for passback_id in passback.mark_changed(session, assignment_id, [user_id]):
            self.send(passback_id)

    def sweep(self, now=None) -> dict:
        """Enqueue due retries and lost passbacks, and rosters due for their scheduled sync; forget
        expired login states and launch links."""
        with self.app.app_context():
            sends = passback.due(db.session, now=now)
            syncs = roster.due(db.session, self.app.config["LTI_ROSTER_SYNC_SECONDS"], now=now)
            db.session.commit()
            frames.purge_expired(db.session, now)
        for passback_id in sends:
            self.send(passback_id)
        for context_id in syncs:
            self.sync(context_id)
        return {"passbacks": sends, "rosters": syncs}


def init_app(app) -> LtiTasks:
    tasks = LtiTasks(app)
    app.extensions["lti_tasks"] = tasks
    app.extensions.setdefault("periodic_jobs", []).append(tasks.sweep)
    # The gradebook's listeners are process-wide; the listener finds the current app's tasks.
    add_listener(_grade_changed)
    return tasks


def _grade_changed(session, assignment_id: int, user_id: int) -> None:
    from flask import current_app
    tasks = current_app.extensions.get("lti_tasks")
    if tasks is not None:
        tasks.grade_changed(session, assignment_id, user_id)
