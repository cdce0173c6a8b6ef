"""Views: the pairs of an assignment's latest submissions that are alike, a pair side by side, and
the Recompute button. They point at code to look at; staff decide what it means."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..authz import assignment_for
from ..bounds import page_number
from ..extensions import db
from ..models import SimilarityRun, Submission
from . import bp, similarity_runs as runs
from .similarity_view import share_of_lines, side


def _minimum() -> float:
    try:
        value = float(request.args.get("min", 0.5))
    except ValueError:
        value = 0.5
    return min(runs.THRESHOLDS, key=lambda t: abs(t - value))


@bp.get("/assignments/<int:assignment_id>/similarity")
def similarity_page(assignment_id: int):
    """The most alike pairs of the last computation, filtered by a threshold, with its time and Recompute."""
    assignment = assignment_for(current_user, assignment_id, staff=True)
    minimum, page = _minimum(), page_number(request.args)
    done, pending = runs.last_done(db.session, assignment), runs.open_run(db.session, assignment)
    latest_run = runs.current_run(db.session, assignment)
    rows, total = runs.top_pairs(db.session, done, minimum, page) if done else ([], 0)
    return render_template("dashboard/similarity.html", assignment=assignment, course=assignment.course,
                           done=done, pending=pending, failed=latest_run if latest_run and latest_run.error else None,
                           rows=rows, total=total, minimum=minimum, page=page, page_size=runs.PAGE_SIZE,
                           thresholds=runs.THRESHOLDS, counts=runs.threshold_counts(db.session, done) if done else {},
                           newer=runs.newer_than(db.session, assignment, done) if done else 0)


@bp.post("/assignments/<int:assignment_id>/similarity")
def recompute_similarity(assignment_id: int):
    """Compute the pairs again in the background; while a computation is open, send it again."""
    assignment = assignment_for(current_user, assignment_id, staff=True)
    run, was_open = runs.request(db.session, assignment, current_user)
    try:
        current_app.extensions["dashboard_similarity_task"](run.id)
    except Exception:  # noqa: BLE001 - the queue is down: the run waits, and pressing again re-sends it
        current_app.logger.exception("could not enqueue similarity run %s", run.id)
        flash("The queue is not reachable: the computation waits. Press Recompute again once the queue is back.",
              "error")
    else:
        flash("A computation is already under way; it was sent to the queue again (it runs once)." if was_open
              else "Computing similarity in the background; this page shows the new pairs once it is done.",
              "success")
    return redirect(url_for("dashboard.similarity_page", assignment_id=assignment.id)), 303


@bp.get("/similarity/pairs/<int:pair_id>")
def similarity_pair(pair_id: int):
    """Two submissions side by side, the similar lines marked."""
    pair = runs.pair_with_sources(db.session, pair_id)
    run = db.session.get(SimilarityRun, pair.run_id) if pair else None
    assignment = assignment_for(current_user, run.assignment_id if run else -1, staff=True)   # none: 404
    sides = []
    for document, regions, share in ((pair.document_a, pair.regions_a, pair.similarity_a),
                                     (pair.document_b, pair.regions_b, pair.similarity_b)):
        lines = side(document.source, regions)
        sides.append({"document": document, "submission": db.session.get(Submission, document.submission_id),
                      "lines": lines, "share": share, "line_share": share_of_lines(lines),
                      "regions": sum(1 for line in lines if line.starts_region)})
    return render_template("dashboard/similarity_pair.html", assignment=assignment, course=assignment.course,
                           pair=pair, run=run, sides=sides)
