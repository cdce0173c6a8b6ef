"""API views. Each docstring's YAML (after ---) is its OpenAPI operation."""
from __future__ import annotations

import json

from flask import abort, current_app, g, jsonify, request, url_for
from sqlalchemy import select

from .. import accounts, gradebook, grading_queue, policy
from ..authz import assignment_for, course_for, courses_of, submission_for
from ..extensions import db, limiter
from ..models import Enrolment, Submission, User, utcnow
from ..passwords import check_password
from ..queue.lifecycle import queue_position
from ..ratelimits import login_limit, per_user, submit_limit
from ..dashboard.exports import grade_lines
from ..errors import render_error
from ..student.queries import my_assignments
from ..submitting import SubmitRefused, submit
from ..uploads import UploadRefused, accept_file
from . import bp
from .auth import authenticate
from .openapi import build_spec

bp.before_request(authenticate)


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI document of this API."""
    return jsonify(build_spec())


@bp.post("/tokens")
@limiter.limit(login_limit)
def create_token():
    """Exchange email and password for an API token (shown once).
    ---
    post:
      summary: Create an API token
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [email, password]
              properties:
                email: {type: string}
                password: {type: string}
                label: {type: string}
      responses:
        201: {description: "The token: {token, user}"}
        401: {description: Wrong email or password, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
    """
    body = request.get_json(silent=True) or {}
    email, password = str(body.get("email", "")), str(body.get("password", ""))
    user = accounts.user_by_email(db.session, email) if email else None
    if user is None or not check_password(user.password_hash, password):
        abort(401, "That email and password do not match an account.")
    token = accounts.issue_api_token(db.session, user, str(body.get("label") or "api")[:100])
    db.session.commit()
    return {"token": token, "user": user_json(user)}, 201


def user_json(user: User) -> dict:
    return {"id": user.id, "email": user.email, "name": user.name, "is_admin": user.is_admin}


@bp.get("/me")
def me():
    """Who this token belongs to, and their courses.
    ---
    get:
      summary: The token's user
      security: [{bearer: []}]
      responses:
        200: {description: "{user, courses: [{id, code, title, role}]}"}
    """
    return {"user": user_json(g.user), "courses": [
        {"id": c.id, "code": c.code, "title": c.title, "role": str(role)} for c, role in courses_of(g.user)]}


@bp.get("/assignments")
def list_assignments():
    """My assignments in every course, with due dates and scores.
    ---
    get:
      summary: My assignments
      security: [{bearer: []}]
      responses:
        200: {description: "{assignments: [{id, course, slug, title, due_at, grade, points, attempts, attempts_left, open}]}"}
    """
    items = []
    for course, role in courses_of(g.user):
        for row in my_assignments(db.session, g.user, course, role):
            a = row.assignment
            items.append({"id": a.id, "course": course.code, "slug": a.slug, "title": a.title,
                          "exercise": a.exercise, "due_at": row.due_at.isoformat(), "points": a.points,
                          "grade": row.grade.as_json() if row.grade else None, "grade_policy": gradebook.policy_of(a),
                          "attempts": row.attempts, "attempts_left": row.attempts_left,
                          "open": row.window.accepted, "limit": policy.limit_text(a),
                          "closed_reason": None if row.window.accepted else row.window.reason})
    return {"assignments": items}


@bp.post("/assignments/<int:assignment_id>/submissions")
@limiter.limit(submit_limit, key_func=per_user)
def create_submission(assignment_id: int):
    """Submit a file (multipart field `file`) as my next attempt.
    ---
    post:
      summary: Submit
      security: [{bearer: []}]
      parameters: [{name: assignment_id, in: path, required: true, schema: {type: integer}}]
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema: {type: object, properties: {file: {type: string, format: binary}}}
      responses:
        202: {description: "Queued: {id, status, position, url}"}
        400: {description: Not a submission (nothing stored)}
        403: {description: "Closed, not open yet, or no attempts left (`reason`: closed, no_attempts_left)"}
        422: {description: "The file cannot be graded (`reason`: ungradable; nothing stored, no attempt used)"}
        429: {description: Rate limit reached}
    """
    assignment = assignment_for(g.user, assignment_id)
    file = request.files.get("file")
    try:
        if file is None:
            raise UploadRefused("Send the file as the multipart form field 'file'.")
        upload = accept_file(file, current_app.config["MAX_CONTENT_LENGTH"])
        row = submit(db.session, grading_queue(), g.user, assignment, upload, via="api")
    except UploadRefused as refusal:
        abort(400, str(refusal))
    except SubmitRefused as refusal:
        return refused_json(refusal)
    return submission_json(row), 202


REFUSAL_TITLES = {"no_attempts_left": "No attempts left", "ungradable": "This file cannot be graded",
                  "closed": "Submissions are closed", "not_enrolled": "Not enrolled", "conflict": "Submit again"}


def refused_json(refusal: SubmitRefused):
    """A refused submission as JSON, with the stable `reason` clients act on."""
    body, status = render_error(refusal.status, REFUSAL_TITLES.get(refusal.reason, "Refused"), str(refusal))
    return {**body, "reason": refusal.reason}, status


def submission_json(row: Submission, with_report: bool = False, grades: "Grades | None" = None) -> dict:
    """A submission as the API gives it: `score` is this attempt's final score on the assignment's
    points (late penalty and adjustment included, rounded as everywhere); `grade` is the student's
    grade of record for the assignment (which may come from another attempt)."""
    result, assignment = row.result, row.assignment
    finals, record = (grades or Grades()).of(row) if result else ({}, None)
    data = {"id": row.id, "assignment_id": row.assignment_id, "attempt": row.attempt, "filename": row.filename,
            "sha256": row.sha256, "submitted_at": row.submitted_at.isoformat(), "status": str(row.status),
            "position": queue_position(db.session, row), "late_days": row.late_days,
            "penalty_percent": row.penalty_percent, "error": row.error_message,
            "score": finals.get(row.id), "max_score": assignment.points if result else None,
            "automatic": gradebook.rounded(result.score) if result else None,
            "grade": record.as_json() if record else None,
            "url": url_for("student.submission", submission_id=row.id, _external=True)}
    if with_report and result is not None:
        data["report"] = on_scale(json.loads(result.report_json), assignment.points, result.raw_max)
    return data


class Grades:
    """Each (assignment, student)'s attempt scores and grade of record, read once for a list of
    submissions (two queries per assignment, not per submission)."""

    def __init__(self):
        self._seen: dict[tuple[int, int], tuple[dict, object]] = {}

    def of(self, row: Submission):
        key = (row.assignment_id, row.user_id)
        if key not in self._seen:
            self._seen[key] = (gradebook.attempt_scores(db.session, row.assignment, row.user_id),
                               gradebook.grade_of_record(db.session, row.assignment, row.user_id))
        return self._seen[key]


def on_scale(report: dict, points: float, raw_max: float) -> dict:
    """The report's test points on the assignment's scale (one scale in the terminal too)."""
    scale = points / raw_max if raw_max else 1.0
    for test in report.get("tests", []):
        test["score"], test["max_score"] = test["score"] * scale, test["max_score"] * scale
    for key in ("score", "max_score"):
        if isinstance(report.get(key), (int, float)):
            report[key] = report[key] * scale
    return report


@bp.get("/submissions")
def list_submissions():
    """My submissions, newest first (optionally of one assignment).
    ---
    get:
      summary: My submissions
      security: [{bearer: []}]
      parameters: [{name: assignment_id, in: query, schema: {type: integer}}]
      responses:
        200: {description: "{submissions: [...]}"}
    """
    query = select(Submission).where(Submission.user_id == g.user.id).order_by(Submission.id.desc()).limit(500)
    assignment_id = request.args.get("assignment_id", type=int)
    if assignment_id is not None:
        query = query.where(Submission.assignment_id == assignment_id)
    grades = Grades()
    return {"submissions": [submission_json(row, grades=grades) for row in db.session.scalars(query)]}


@bp.get("/submissions/<int:submission_id>")
def get_submission(submission_id: int):
    """One submission: its status, queue position, and once graded its report.
    ---
    get:
      summary: Poll a submission
      security: [{bearer: []}]
      parameters: [{name: submission_id, in: path, required: true, schema: {type: integer}}]
      responses:
        200: {description: "The submission, with `report` once graded"}
        404: {description: Not yours, or no such submission}
    """
    return submission_json(submission_for(g.user, submission_id), with_report=True)


@bp.get("/courses")
def list_courses():
    """Courses I teach.
    ---
    get:
      summary: My courses as staff
      security: [{bearer: []}]
      responses:
        200: {description: "{courses: [{id, code, title, timezone, role}]}"}
    """
    return {"courses": [{"id": c.id, "code": c.code, "title": c.title, "timezone": c.timezone, "role": str(r)}
                        for c, r in courses_of(g.user) if r.is_staff]}


@bp.get("/courses/<int:course_id>/roster")
def get_roster(course_id: int):
    """A course's members (staff).
    ---
    get:
      summary: Roster
      security: [{bearer: []}]
      parameters: [{name: course_id, in: path, required: true, schema: {type: integer}}]
      responses:
        200: {description: "{members: [{name, email, student_id, role}]}"}
    """
    course = course_for(g.user, course_id, staff=True)
    rows = db.session.execute(select(User, Enrolment).join(Enrolment).where(Enrolment.course_id == course.id)
                              .order_by(User.email)).all()
    return {"members": [{"name": u.name, "email": u.email, "student_id": e.student_number, "role": str(e.role),
                         "has_password": u.password_hash is not None} for u, e in rows]}


@bp.post("/courses/<int:course_id>/roster")
def post_roster(course_id: int):
    """Import a roster CSV (request body, text/csv; columns name, email, student_id) (instructors).
    ---
    post:
      summary: Import roster
      security: [{bearer: []}]
      parameters: [{name: course_id, in: path, required: true, schema: {type: integer}}]
      requestBody: {required: true, content: {text/csv: {schema: {type: string}}}}
      responses:
        200: {description: "{created, updated, unchanged, invitations: [{email, link}]}"}
        400: {description: The CSV has problems; nothing was imported}
    """
    course = course_for(g.user, course_id, instructor=True)
    try:
        outcome = accounts.import_roster(db.session, course, request.get_data(as_text=True),
                                         current_app.config["INVITATION_DAYS"])
    except accounts.RosterError as error:
        db.session.rollback()
        abort(400, str(error))
    return {"created": outcome.created, "updated": outcome.updated, "unchanged": outcome.unchanged,
            "invitations": [{"name": n, "email": e,
                             "link": url_for("auth.accept_invitation", token=t, _external=True)}
                            for n, e, t in outcome.invitations]}


@bp.get("/courses/<int:course_id>/assignments")
def course_assignments(course_id: int):
    """A course's assignments with their rules (staff).
    ---
    get:
      summary: Assignments of a course
      security: [{bearer: []}]
      parameters: [{name: course_id, in: path, required: true, schema: {type: integer}}]
      responses:
        200: {description: "{assignments: [...]}"}
    """
    course = course_for(g.user, course_id, staff=True)
    return {"assignments": [{"id": a.id, "slug": a.slug, "title": a.title, "exercise": a.exercise,
                             "functions": a.functions, "points": a.points, "published": a.published,
                             "opens_at": a.opens_at.isoformat() if a.opens_at else None,
                             "due_at": a.due_at.isoformat(), "late_penalty_percent": a.late_penalty_percent,
                             "late_days_allowed": a.late_days_allowed, "submission_limit": a.submission_limit,
                             "limit_period": str(a.limit_period)} for a in course.assignments]}


@bp.get("/assignments/<int:assignment_id>/grades")
def assignment_grades(assignment_id: int):
    """Every enrolled student's grade of record (the assignment's policy, adjustment included) (staff).
    ---
    get:
      summary: Grades
      security: [{bearer: []}]
      parameters: [{name: assignment_id, in: path, required: true, schema: {type: integer}}]
      responses:
        200: {description: "{points, grades: [{name, email, student_id, score, automatic, adjustment, attempt, submission_id, late_days}]}"}
    """
    assignment = assignment_for(g.user, assignment_id, staff=True)
    return {"points": assignment.points, "grade_policy": gradebook.policy_of(assignment),
            "generated_at": utcnow().isoformat(), "grades": [
        {"name": line.name, "email": line.email, "student_id": line.student_id, "score": line.final,
         "automatic": line.automatic, "adjustment": line.adjustment, "attempt": line.attempt,
         "submission_id": line.submission_id, "late_days": line.late_days}
        for line in grade_lines(db.session, assignment)]}
