"""Views: the course overview of an assignment, and what the class gets wrong."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from ..authz import assignment_for
from .. import gradebook
from ..extensions import db
from . import bp, first_wrong, gradients, grid, mistakes, overview, progress
from .latest import functions_of


@bp.get("/assignments/<int:assignment_id>/dashboard")
def assignment_overview(assignment_id: int):
    """Counts, the score distribution, the deadline rush and the students x functions grid."""
    assignment = assignment_for(current_user, assignment_id, staff=True)
    course = assignment.course
    query = grid.GridQuery.from_args(request.args, functions_of(assignment))
    buckets, unit = overview.timeline(db.session, assignment, course.timezone)
    shape = "%a %d %b %H:00" if unit == "hour" else "%a %d %b"
    due_index = next((i for i, b in enumerate(buckets) if b.holds_due), None)
    counts, bins = overview.summary(db.session, assignment)
    return render_template("dashboard/overview.html", assignment=assignment, course=course, counts=counts,
                           distribution_rows=[(b.label, [b.count]) for b in bins],
                           timeline_rows=[(f"{b.start:{shape}}", [b.count]) for b in buckets], unit=unit,
                           buckets=buckets, due_index=due_index,
                           grid=grid.grid(db.session, assignment, query), show_choices=grid.SHOW,
                           policy_text=f"policy: {gradebook.policy_of(assignment)}")


@bp.get("/assignments/<int:assignment_id>/mistakes")
def class_mistakes(assignment_id: int):
    """Per check the share failing, the most frequent mistakes, the heat maps (function x check,
    function x gradient), the error histograms."""
    assignment = assignment_for(current_user, assignment_id, staff=True)
    rates = mistakes.check_rates(db.session, assignment)
    return render_template("dashboard/mistakes.html", assignment=assignment, course=assignment.course,
                           rates=rates, heat=mistakes.heatmap(rates),
                           first_wrong=first_wrong.first_wrong_nodes(db.session, assignment),
                           gradient_heat=gradients.gradient_heatmap(db.session, assignment, rates),
                           top=mistakes.mistake_counts(db.session, assignment),
                           histograms=mistakes.error_histograms(db.session, assignment),
                           decades=mistakes.ErrorHistogram.decades(), tolerance=mistakes.tolerance_decade())


@bp.get("/assignments/<int:assignment_id>/progress")
def class_progress(assignment_id: int):
    """Per check: when students first pass it, the share failing attempt by attempt, flaky checks."""
    assignment = assignment_for(current_user, assignment_id, staff=True)
    return render_template("dashboard/progress.html", assignment=assignment, course=assignment.course,
                           rows=progress.check_progress(db.session, assignment),
                           attempts_shown=progress.ATTEMPTS_SHOWN)


@bp.get("/assignments/<int:assignment_id>/mistakes/<mistake>")
def mistake_students(assignment_id: int, mistake: str):
    """The students (and their latest submissions) that show one mistake."""
    assignment = assignment_for(current_user, assignment_id, staff=True)
    function = request.args.get("function") or None
    affected = mistakes.students_with(db.session, assignment, mistake, function)
    if not affected and len(mistake) > 64:
        abort(404, "No such mistake id.")
    return render_template("dashboard/mistake.html", assignment=assignment, course=assignment.course,
                           mistake=mistake, meaning=mistakes.mistake_meaning(mistake), function=function,
                           affected=affected)


@bp.get("/assignments/<int:assignment_id>/first-wrong/<function>")
def first_wrong_students(assignment_id: int, function: str):
    """The students whose latest submission first goes wrong at one node of a staged graph."""
    assignment = assignment_for(current_user, assignment_id, staff=True)
    if function not in first_wrong.graph_nodes(assignment):
        abort(404, f"{function} is not a node of this assignment's graph.")
    return render_template("dashboard/first_wrong.html", assignment=assignment, course=assignment.course,
                           function=function,
                           affected=first_wrong.students_first_wrong_at(db.session, assignment, function))


@bp.get("/assignments/<int:assignment_id>/gradients/<function>/<gradient>")
def gradient_students(assignment_id: int, function: str, gradient: str):
    """The students (and their latest submissions) that get one gradient of one function wrong."""
    assignment = assignment_for(current_user, assignment_id, staff=True)
    if gradient not in gradients.gradients_of(assignment).get(function, ()):
        abort(404, f"{function} has no gradient {gradient} in this assignment.")
    return render_template("dashboard/gradient.html", assignment=assignment, course=assignment.course,
                           function=function, gradient=gradient,
                           affected=gradients.students_with_gradient(db.session, assignment, function, gradient))
