"""Views: one submission for staff, and its manual score adjustment."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import gradebook
from ..authz import submission_for
from ..extensions import db
from ..models import AuditEntry, TestRow
from ..report_view import result_view
from . import adjust, bp, detail
from .latest import FAILING, functions_of
from .forms import AdjustForm


@bp.get("/submissions/<int:submission_id>")
def submission_detail(submission_id: int):
    """Source, report with the seed, every attempt with diffs, the adjustment and its history."""
    submission = submission_for(current_user, submission_id, staff=True)
    assignment = submission.assignment
    report, functions = result_view(submission.result, assignment.points) if submission.result else (None, [])
    rows = detail.attempts(db.session, submission)
    before = detail.previous(rows, submission)
    adjustment = adjust.current(db.session, submission.id)
    form = AdjustForm(points=adjustment.points if adjustment else 0.0)
    history = db.session.scalars(select(AuditEntry).where(AuditEntry.target == f"submission:{submission.id}")
                                 .order_by(AuditEntry.id.desc())).all()
    return render_template("dashboard/submission.html", submission=submission, course=submission.assignment.course,
                           assignment=submission.assignment, report=report, functions=functions,
                           cells=detail.source_cells(submission.filename, submission.content), attempts=rows,
                           before=before, diff=detail.diff_html(before, submission) if before else None,
                           adjustment=adjustment, form=form, history=history,
                           final=gradebook.attempt_scores(db.session, assignment, submission.user_id).get(submission.id),
                           grade=gradebook.grade_of_record(db.session, assignment, submission.user_id))


@bp.post("/submissions/<int:submission_id>/adjust")
def adjust_score(submission_id: int):
    """Set the manual adjustment (a comment is required); the change goes to the audit log."""
    submission = submission_for(current_user, submission_id, staff=True)
    form = AdjustForm()
    if not form.validate_on_submit():
        flash("Give the adjustment in points and a comment saying why.", "error")
        return redirect(url_for("dashboard.submission_detail", submission_id=submission.id)), 303
    try:
        adjust.adjust(db.session, submission, form.points.data, form.comment.data, current_user)
    except adjust.AdjustmentRefused as refusal:
        flash(str(refusal), "error")
    else:
        flash(f"Adjustment saved: {form.points.data:+g} points.", "success")
    return redirect(url_for("dashboard.submission_detail", submission_id=submission.id)), 303


@bp.get("/submissions/<int:submission_id>/hidden-inputs")
def hidden_inputs(submission_id: int):
    """The hidden cases this grading ran, drawn again from its seed (staff only: never shown to students)."""
    from grader.course import CourseNotFound
    from grader.oracle import ReferenceMissing
    from grader.replay import hidden_inputs as replay
    submission = submission_for(current_user, submission_id, staff=True)
    assignment = submission.assignment
    exercises, problem = [], None
    if submission.result is None or submission.result.seed is None:
        problem = "This submission has no graded result with a seed yet, so there are no hidden cases to show."
    else:
        try:
            exercises = replay(assignment.exercise, submission.result.seed,
                               course=current_app.config.get("GRADER_COURSE"), functions=set(functions_of(assignment)))
        except (CourseNotFound, ReferenceMissing) as missing:
            problem = f"The hidden cases cannot be rebuilt on this server: {missing}"
    failing = set(db.session.scalars(select(TestRow.function).where(
        TestRow.result_id == submission.result_id, TestRow.visibility == "hidden",
        TestRow.status.in_(FAILING)))) if submission.result_id else set()
    return render_template("dashboard/hidden_inputs.html", submission=submission, assignment=assignment,
                           course=assignment.course, exercises=exercises, problem=problem, failing=failing,
                           shown_arrays=detail.shown_arrays)
