"""Views of the student blueprint."""
from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user

from .. import grading_queue, policy
from ..authz import assignment_for, courses_of, role_in, submission_for
from ..extensions import db
from ..models import Submission, utcnow
from ..queue.lifecycle import queue_position
from ..ratelimits import submission_rate_limit
from ..report_view import report_view
from ..submitting import SubmitRefused, extension_of, submit
from ..uploads import UploadRefused, accept_file
from . import bp, queries
from .forms import UploadForm


@bp.get("/")
def home():
    """My courses and their assignments: due dates, best and latest scores."""
    courses = [(course, role, queries.my_assignments(db.session, current_user, course, role))
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
    return render_template("student/assignment.html", assignment=item, course=course, window=window,
                           attempts_left=left, attempts=attempts, form=UploadForm(),
                           role=role_in(current_user, course.id), policy=policy)


@bp.post("/assignments/<int:assignment_id>/submit")
@submission_rate_limit
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
    report, functions = (report_view(row.result.report_json, for_students=True) if row.result is not None
                         else (None, []))
    return render_template("student/submission.html", submission=row, course=row.assignment.course,
                           report=report, functions=functions, position=queue_position(db.session, row))


@bp.get("/submissions/<int:submission_id>/status")
def submission_status(submission_id: int):
    """The submission's state as JSON, polled by its page until it is final."""
    row = submission_for(current_user, submission_id)
    return jsonify(status_payload(row))


def status_payload(row: Submission) -> dict:
    result = row.result
    return {"id": row.id, "status": str(row.status), "position": queue_position(db.session, row),
            "final": row.status.is_final, "score": result.score if result else None,
            "max_score": result.max_score if result else None, "error": row.error_message}


@bp.get("/submissions/<int:submission_id>/file")
def submission_file(submission_id: int):
    """The file as it was submitted (as an attachment: never rendered by the browser)."""
    row = submission_for(current_user, submission_id)
    response = current_app.response_class(row.content, mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="{_ascii(row.filename)}"'
    return response


def _ascii(name: str) -> str:
    return "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
