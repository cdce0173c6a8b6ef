"""Views of the student blueprint."""
from __future__ import annotations

from flask import abort, current_app, flash, jsonify, redirect, render_template, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from grader.course import CourseNotFound
from grader.submission import SubmissionError

from .. import gradebook, grading_queue, policy
from ..authz import assignment_for, courses_of, role_in, submission_for
from ..extensions import db, limiter
from ..models import AuditEntry, ScoreAdjustment, Submission, utcnow
from ..queue.lifecycle import queue_position
from ..ratelimits import per_user, submit_limit
from ..releases import starter_zip
from ..report_view import result_view
from ..submitting import SubmitRefused, extension_of, limit_reached, submit
from ..uploads import UploadRefused, accept_file
from . import bp, queries
from .forms import UploadForm


@bp.get("/")
def home():
    """My courses: as a student, assignments with the grade that counts; as staff, what to look after."""
    courses = [(course, role, queries.my_assignments(db.session, current_user, course, role),
                queries.students_submitted(db.session, course.id) if role.is_staff else {})
               for course, role in courses_of(current_user)]
    return render_template("student/home.html", courses=courses)


@bp.get("/assignments/<int:assignment_id>")
def assignment(assignment_id: int):
    """One assignment: its rules, the upload form, and every attempt so far."""
    item = assignment_for(current_user, assignment_id)
    course = item.course
    now = utcnow()
    window = policy.window(item, extension_of(db.session, item, current_user.id), now, course.timezone)
    left = policy.attempts_left(db.session, item, current_user.id, now, course.timezone)
    attempts = queries.history(db.session, current_user.id, item.id)
    role = role_in(current_user, course.id)
    return render_template("student/assignment.html", assignment=item, course=course, window=window,
                           attempts_left=left, attempts=attempts, form=UploadForm(), role=role, policy=policy,
                           grade=gradebook.grade_of_record(db.session, item, current_user.id),
                           scores=gradebook.attempt_scores(db.session, item, current_user.id),
                           adjustments=adjustments_of([s.id for s in attempts]),
                           refusal=refusal_before_upload(item, window, left, role),
                           max_kb=current_app.config["MAX_CONTENT_LENGTH"] // 1024, policies=gradebook.POLICIES)


def refusal_before_upload(item, window, left, role) -> str | None:
    """Why the form is disabled (closed, no attempts left), or None when the student may upload."""
    if role is not None and role.is_staff:
        return None
    if not window.accepted:
        return window.reason
    if left == 0:
        return limit_reached(item, item.course.timezone, utcnow())
    return None


def adjustments_of(submission_ids: list[int]) -> dict[int, ScoreAdjustment]:
    """The manual adjustments of these submissions, by submission id: students see them and why."""
    if not submission_ids:
        return {}
    return {a.submission_id: a for a in db.session.scalars(
        select(ScoreAdjustment).where(ScoreAdjustment.submission_id.in_(submission_ids)))}


@bp.post("/assignments/<int:assignment_id>/active/<int:submission_id>")
def choose_active(assignment_id: int, submission_id: int):
    """Mark one of my graded submissions as the one that counts (assignments whose policy is "active")."""
    item = assignment_for(current_user, assignment_id)
    row = submission_for(current_user, submission_id)
    if row.assignment_id != item.id or row.user_id != current_user.id:
        abort(404, "That submission is not one of yours for this assignment.")
    if gradebook.policy_of(item) != "active":
        flash("In this assignment " + gradebook.POLICIES[gradebook.policy_of(item)] + "; there is nothing to "
              "choose.", "error")
    elif row.result is None:
        flash(f"Attempt {row.attempt} has no grade; choose a graded attempt.", "error")
    else:
        gradebook.choose_active(db.session, item, row)
        db.session.add(AuditEntry(actor_id=current_user.id, course_id=item.course_id, action="grade.active",
                                  target=f"submission:{row.id}", new=f"attempt {row.attempt}"))
        db.session.commit()
        gradebook.on_grade_changed(db.session, item.id, current_user.id)
        flash(f"Attempt {row.attempt} is now the one that counts.", "success")
    return redirect(url_for("student.assignment", assignment_id=item.id)), 303


@bp.get("/assignments/<int:assignment_id>/starter")
def starter(assignment_id: int):
    """The assignment's starter files (stub, notebook, public cases, the public checker) as a zip."""
    item = assignment_for(current_user, assignment_id)
    try:
        built = starter_zip(current_app.instance_path, current_app.config.get("GRADER_COURSE"), item.exercise)
    except (CourseNotFound, SubmissionError) as error:
        current_app.logger.error("starter files of %s: %s", item.exercise, error)
        abort(503, "The starter files cannot be built on this server right now; ask your instructor for them.")
    return send_file(built, mimetype="application/zip", as_attachment=True,
                     download_name=f"{item.slug}-starter.zip")


@bp.post("/assignments/<int:assignment_id>/submit")
@limiter.limit(submit_limit, key_func=per_user)
def upload(assignment_id: int):
    """Take an uploaded file as the next attempt; refusals store nothing and say why."""
    item = assignment_for(current_user, assignment_id)
    form = UploadForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors) or "Choose a file to submit.", "error")
        return redirect(url_for("student.assignment", assignment_id=item.id)), 303
    try:
        received = accept_file(form.file.data, current_app.config["MAX_CONTENT_LENGTH"])
        row = submit(db.session, grading_queue(), current_user, item, received, via="web")
    except (UploadRefused, SubmitRefused) as refusal:
        flash(str(refusal), "error")
        return redirect(url_for("student.assignment", assignment_id=item.id)), 303
    return redirect(url_for("student.submission", submission_id=row.id)), 303


@bp.get("/submissions/<int:submission_id>")
def submission(submission_id: int):
    """One submission: its status while it waits, then its report."""
    row = submission_for(current_user, submission_id)
    assignment = row.assignment
    report, functions = (result_view(row.result, assignment.points) if row.result is not None else (None, []))
    final = gradebook.attempt_scores(db.session, assignment, row.user_id).get(row.id)
    course, now = assignment.course, utcnow()
    window = policy.window(assignment, extension_of(db.session, assignment, current_user.id), now, course.timezone)
    left = policy.attempts_left(db.session, assignment, current_user.id, now, course.timezone)
    return render_template("student/submission.html", submission=row, course=course,
                           report=report, functions=functions, position=queue_position(db.session, row),
                           grade=gradebook.grade_of_record(db.session, assignment, row.user_id), final=final,
                           score_state=score_state(final, assignment.points, report),
                           adjustment=adjustments_of([row.id]).get(row.id),
                           refusal=refusal_before_upload(assignment, window, left, role_in(current_user, course.id)))


def score_state(final: float | None, points: float, report) -> str:
    """full, partial or zero: the colour of the score box (a 0 or an ungradable file is never green)."""
    if final is None:
        return ""
    if report is not None and not report.tests:
        return "zero"
    return "full" if final >= points else "zero" if final <= 0 else "partial"


@bp.get("/submissions/<int:submission_id>/status")
def submission_status(submission_id: int):
    """The submission's state as JSON, polled by its page until it is final."""
    row = submission_for(current_user, submission_id)
    return jsonify(status_payload(row))


def status_payload(row: Submission) -> dict:
    final = (gradebook.attempt_scores(db.session, row.assignment, row.user_id).get(row.id)
             if row.result is not None else None)
    return {"id": row.id, "status": str(row.status), "position": queue_position(db.session, row),
            "final": row.status.is_final, "score": final,
            "max_score": row.assignment.points if row.result is not None else None, "error": row.error_message}


@bp.get("/submissions/<int:submission_id>/file")
def submission_file(submission_id: int):
    """The file as it was submitted (as an attachment: never rendered by the browser)."""
    row = submission_for(current_user, submission_id)
    response = current_app.response_class(row.content, mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="{_ascii(row.filename)}"'
    return response


def _ascii(name: str) -> str:
    return "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
