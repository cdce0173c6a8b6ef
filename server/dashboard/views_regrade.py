"""Views: start a regrade (a dry run), watch it, preview the changes, publish or discard."""
from __future__ import annotations

from collections import Counter

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from ..authz import assignment_for, course_for, role_in
from ..extensions import db
from ..models import Regrade, Role
from . import bp, regrade


@bp.get("/assignments/<int:assignment_id>/regrade")
def regrade_page(assignment_id: int):
    """The open regrade's progress and preview, or a button to start one; past regrades."""
    assignment = assignment_for(current_user, assignment_id, staff=True)
    current = regrade.open_regrade(db.session, assignment)
    order = {"down": 0, "up": 1, "pending": 2, "unchanged": 3}       # what needs a look first
    changes = sorted(regrade.preview(db.session, current), key=lambda c: order[c.direction]) if current else []
    past = db.session.scalars(select(Regrade).where(Regrade.assignment_id == assignment.id, Regrade.open_for.is_(None))
                              .order_by(Regrade.id.desc()).limit(10)).all()
    return render_template("dashboard/regrade.html", assignment=assignment, course=assignment.course,
                           current=current, progress=regrade.progress(db.session, current) if current else None,
                           changes=changes, directions=Counter(c.direction for c in changes), past=past,
                           is_instructor=role_in(current_user, assignment.course_id) is Role.INSTRUCTOR)


@bp.post("/assignments/<int:assignment_id>/regrade")
def start_regrade(assignment_id: int):
    """Start a dry-run regrade (instructors); starting while one is open changes nothing."""
    assignment = assignment_for(current_user, assignment_id, staff=True)
    course_for(current_user, assignment.course_id, instructor=True)
    before = regrade.open_regrade(db.session, assignment)
    run, items = regrade.start(db.session, assignment, current_user)
    task = current_app.extensions["dashboard_regrade_task"]
    try:
        for item_id in items:
            task(item_id)
    except Exception:  # noqa: BLE001 - the queue is down: the items wait, and starting again re-sends them
        current_app.logger.exception("could not enqueue regrade %s", run.id)
        flash("The queue is not reachable: the regrade waits. Press start again once the queue is back.", "error")
    else:
        flash(f"Regrade {run.id} is already open: {len(items)} waiting submission(s) sent again, nothing graded twice."
              if before else f"Regrading {len(items)} submissions; nothing is published until you say so.", "success")
    return redirect(url_for("dashboard.regrade_page", assignment_id=assignment.id)), 303


@bp.post("/regrades/<int:regrade_id>/<any(publish, discard):action>")
def finish_regrade(regrade_id: int, action: str):
    """Publish the regrade's results (they become the grades of record) or discard them."""
    run = db.session.get(Regrade, regrade_id)
    assignment = assignment_for(current_user, run.assignment_id if run else -1, staff=True)
    course_for(current_user, assignment.course_id, instructor=True)
    try:
        if action == "publish":
            flash(f"Published: {regrade.publish(db.session, run, current_user)} results are now of record.", "success")
        else:
            regrade.discard(db.session, run, current_user)
            flash("Regrade discarded; the grades are as they were.", "success")
    except regrade.RegradeRefused as refusal:
        flash(str(refusal), "error")
    return redirect(url_for("dashboard.regrade_page", assignment_id=assignment.id)), 303
