"""Views of the staff blueprint."""
from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import accounts, gradebook, grading_queue, mail, penalties, policy
from ..authz import assignment_for, course_for, require_admin, role_in, submission_for
from ..extensions import db
from ..models import (Assignment, AuditEntry, Course, Enrolment, Extension, LimitPeriod, Role, Submission,
                      SubmissionStatus, User, utcnow)
from ..queue import lifecycle
from ..student.queries import students_submitted
from . import bp
from .forms import AssignmentForm, CourseForm, ExtensionForm, RosterForm, StaffForm


def audit(course_id: int | None, action: str, target: str, old=None, new=None, reason: str = "") -> None:
    db.session.add(AuditEntry(actor_id=current_user.id, course_id=course_id, action=action, target=target,
                              old=None if old is None else str(old), new=None if new is None else str(new),
                              reason=reason))


def to_utc(local: datetime | None, tz: str) -> datetime | None:
    return None if local is None else local.replace(tzinfo=ZoneInfo(tz)).astimezone(ZoneInfo("UTC"))


def to_local(moment: datetime | None, tz: str) -> datetime | None:
    return None if moment is None else moment.astimezone(ZoneInfo(tz)).replace(tzinfo=None)


@bp.route("/courses/new", methods=["GET", "POST"])
def new_course():
    """Create a course (site admins)."""
    require_admin(current_user)
    form = CourseForm()
    if form.validate_on_submit():
        course = Course(code=form.code.data, title=form.title.data, timezone=form.timezone.data)
        db.session.add(course)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            form.code.errors.append("A course with this code exists already.")
            return render_template("staff/course_form.html", form=form), 409
        accounts.enrol(db.session, course, current_user, Role.INSTRUCTOR)
        audit(course.id, "course.create", course.code)
        db.session.commit()
        flash(f"Course {course.code} created. Next: import a roster and publish an assignment.", "success")
        return redirect(url_for("staff.course", course_id=course.id))
    return render_template("staff/course_form.html", form=form)


@bp.get("/courses/<int:course_id>")
def course(course_id: int):
    """A course's staff page: assignments, roster, staff, and submissions our failures stopped."""
    item = course_for(current_user, course_id, staff=True)
    members = db.session.execute(select(Enrolment, User).join(User).where(Enrolment.course_id == item.id)
                                 .order_by(Enrolment.role, User.name, User.email)).all()
    counts = students_submitted(db.session, item.id)
    failed = db.session.scalars(select(Submission).join(Assignment).where(
        Assignment.course_id == item.id, Submission.status == SubmissionStatus.ERROR)
        .order_by(Submission.id.desc()).limit(100)).all()
    students = sum(1 for enrolment, _ in members if enrolment.role is Role.STUDENT)
    return render_template("staff/course.html", course=item, members=members, counts=counts, failed=failed,
                           mail_configured=mail.configured(current_app.config),
                           students=students, roster_form=RosterForm(), staff_form=StaffForm(),
                           is_instructor=_is_instructor(item))


def _is_instructor(course: Course) -> bool:
    return role_in(current_user, course.id) is Role.INSTRUCTOR


def _instructors_only(course: Course, what: str) -> None:
    """A TA who follows a link only instructors may use is told so (403), not that the course is gone."""
    if not _is_instructor(course):
        abort(403, f"TAs cannot {what} in {course.code}; ask one of its instructors.")


@bp.post("/courses/<int:course_id>/roster")
def import_roster(course_id: int):
    """Import or update the roster from a CSV (name, email, student_id); shows new invitation links."""
    item = course_for(current_user, course_id, instructor=True)
    form = RosterForm()
    if not form.validate_on_submit():
        flash("Choose a CSV file to import.", "error")
        return redirect(url_for("staff.course", course_id=item.id)), 303
    raw = form.roster.data.read(5 * 1024 * 1024 + 1)
    try:
        if len(raw) > 5 * 1024 * 1024:
            raise accounts.RosterError("The roster is larger than 5 MB; export only name, email and student id.")
        text = raw.decode("utf-8-sig")
        outcome = accounts.import_roster(db.session, item, text, current_app.config["INVITATION_DAYS"])
    except UnicodeDecodeError:
        flash("The roster is not UTF-8 text. Export it from your spreadsheet as CSV UTF-8.", "error")
        return redirect(url_for("staff.course", course_id=item.id)), 303
    except accounts.RosterError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("staff.course", course_id=item.id)), 303
    audit(item.id, "roster.import", item.code, new=f"{outcome.created} new, {outcome.updated} updated")
    db.session.commit()
    link = lambda token: url_for("auth.accept_invitation", token=token, _external=True)  # noqa: E731
    emailed = (_email_invitations(item, [(n, e, link(t)) for n, e, t in outcome.invitations])
               if form.email_invitations.data else None)
    return render_template("staff/roster_imported.html", course=item, outcome=outcome, link=link, emailed=emailed,
                           csv_text=_invitation_csv([(n, e, link(t)) for n, e, t in outcome.invitations]))


def _invitation_csv(rows: list[tuple[str, str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "invitation_link"])
    writer.writerows(rows)
    return out.getvalue()


def _email_invitations(course: Course, rows: list[tuple[str, str, str]]) -> mail.Sent | None:
    """Email each (name, email, link); None when this site has no mail server configured."""
    config = current_app.config
    if not mail.configured(config):
        return None
    sent = mail.send_all(config, [mail.invitation(config, name=n, email=e, link=link, course_title=course.title,
                                                  days=config["INVITATION_DAYS"]) for n, e, link in rows])
    audit(course.id, "invitations.email", course.code, new=f"{len(sent.delivered)} sent, {len(sent.failed)} failed")
    db.session.commit()
    return sent


@bp.post("/courses/<int:course_id>/staff")
def add_staff(course_id: int):
    """Add a TA or instructor (an invitation link is shown if they have no password yet)."""
    item = course_for(current_user, course_id, instructor=True)
    form = StaffForm()
    if not form.validate_on_submit() or "@" not in form.email.data:
        flash("Give the staff member's email address.", "error")
        return redirect(url_for("staff.course", course_id=item.id)), 303
    user, _ = accounts.ensure_user(db.session, form.email.data, form.name.data or "")
    accounts.enrol(db.session, item, user, Role(form.role.data))
    audit(item.id, "staff.add", user.email, new=form.role.data)
    token = accounts.invite(db.session, user, current_app.config["INVITATION_DAYS"]) if not user.password_hash else None
    db.session.commit()
    message = f"{user.email} is now {form.role.data.upper() if form.role.data == 'ta' else 'an instructor'}."
    if token:
        message += " Send them this link to set a password: " + url_for("auth.accept_invitation", token=token,
                                                                          _external=True)
    flash(message, "success")
    return redirect(url_for("staff.course", course_id=item.id)), 303


@bp.post("/courses/<int:course_id>/invitations")
def invitations(course_id: int):
    """Fresh invitation links for every member who has not set a password: as CSV, or by email."""
    item = course_for(current_user, course_id, instructor=True)
    users = db.session.scalars(select(User).join(Enrolment).where(Enrolment.course_id == item.id,
                                                                  User.password_hash.is_(None))).all()
    by_email = request.form.get("by") == "email"
    if by_email and not mail.configured(current_app.config):
        flash("This site has no mail server: set GRADER_SMTP_HOST and GRADER_MAIL_FROM, or download the links.",
              "error")
        return redirect(url_for("staff.course", course_id=item.id)), 303
    rows = [(user.name, user.email, url_for("auth.accept_invitation", _external=True,
                                            token=accounts.invite(db.session, user, current_app.config["INVITATION_DAYS"])))
            for user in users]
    audit(item.id, "invitations.reissue", item.code, new=str(len(users)))
    db.session.commit()
    if by_email:
        sent = _email_invitations(item, rows)
        flash(f"Invitations emailed to {len(sent.delivered)} people."
              + (f" Not sent: {'; '.join(f'{who} ({why})' for who, why in sent.failed)}." if sent.failed else ""),
              "error" if sent.failed else "success")
        return redirect(url_for("staff.course", course_id=item.id)), 303
    return Response(_invitation_csv(rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{item.code}-invitations.csv"'})


@bp.route("/courses/<int:course_id>/assignments/new", methods=["GET", "POST"])
def new_assignment(course_id: int):
    """Publish an assignment: exercises, points, dates, late policy, limits."""
    item = course_for(current_user, course_id, staff=True)
    _instructors_only(item, "create assignments")
    form = AssignmentForm()
    if form.validate_on_submit():
        assignment = Assignment(course_id=item.id)
        if _save_assignment(form, assignment, item, created=True):
            return redirect(url_for("staff.course", course_id=item.id)), 303
    return render_template("staff/assignment_form.html", form=form, course=item, assignment=None)


@bp.route("/assignments/<int:assignment_id>/edit", methods=["GET", "POST"])
def edit_assignment(assignment_id: int):
    """Change an assignment's rules (every change is in the audit log)."""
    assignment = assignment_for(current_user, assignment_id, staff=True)
    item = course_for(current_user, assignment.course_id, staff=True)
    _instructors_only(item, "edit assignments")
    form = AssignmentForm(obj=assignment) if request.method == "GET" else AssignmentForm()
    if request.method == "GET":
        form.opens_at.data = to_local(assignment.opens_at, item.timezone)
        form.due_at.data = to_local(assignment.due_at, item.timezone)
        form.functions.data = assignment.functions or []
        form.limit_period.data = str(assignment.limit_period)
        form.grade_policy.data = gradebook.policy_of(assignment)
    elif form.validate_on_submit() and _save_assignment(form, assignment, item, created=False):
        return redirect(url_for("staff.course", course_id=item.id)), 303
    return render_template("staff/assignment_form.html", form=form, course=item, assignment=assignment)


def _save_assignment(form: AssignmentForm, assignment: Assignment, course: Course, created: bool) -> bool:
    before = _rules(assignment) if not created else None
    moved = (None if created else
             (assignment.points, assignment.due_at, assignment.late_penalty_percent, assignment.grade_policy))
    assignment.slug, assignment.title, assignment.exercise = form.slug.data, form.title.data, form.exercise.data
    assignment.functions = list(form.functions.data) or None
    assignment.points = form.points.data
    assignment.opens_at = to_utc(form.opens_at.data, course.timezone)
    assignment.due_at = to_utc(form.due_at.data, course.timezone)
    assignment.late_penalty_percent = form.late_penalty_percent.data or 0.0
    assignment.late_days_allowed = form.late_days_allowed.data or 0
    assignment.submission_limit = form.submission_limit.data
    assignment.limit_period = LimitPeriod(form.limit_period.data)
    assignment.grade_policy = form.grade_policy.data
    assignment.precheck_uploads = form.precheck_uploads.data
    assignment.published = form.published.data
    db.session.add(assignment)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        form.slug.errors.append("Another assignment of this course has this short name.")
        return False
    audit(course.id, "assignment.create" if created else "assignment.edit", assignment.slug, old=before,
          new=_rules(assignment))
    regraded = _apply_to_past_attempts(assignment, moved) if moved else ""
    changed = bool(moved) and (assignment.points, assignment.due_at, assignment.late_penalty_percent,
                               assignment.grade_policy) != moved
    if changed:
        gradebook.refresh(db.session, assignment)       # another policy or other penalties: another may count
    db.session.commit()
    if changed:
        gradebook.on_grades_changed(db.session, assignment.id, gradebook.graded_students(db.session, assignment))
    flash(f"Assignment {assignment.slug} saved{' and published' if assignment.published else ' (not published)'}."
          + regraded, "success")
    return True


def _apply_to_past_attempts(assignment: Assignment, before: tuple) -> str:
    """Past results follow a points change at once, and late penalties a due-date or penalty change."""
    points, due_at, penalty, _ = before
    said = ""
    if points != assignment.points:
        gradebook.rescale(db.session, assignment)
        adjusted = gradebook.rescale_adjustments(db.session, assignment, points)
        said += f" Past results are now out of {assignment.points:g} points."
        if adjusted:
            audit(assignment.course_id, "grade.adjustments_rescaled", assignment.slug, old=f"{points:g} points",
                  new=f"{assignment.points:g} points", reason=f"{adjusted} manual adjustment(s) scaled with the points")
            said += f" {adjusted} manual adjustment(s) were scaled with them."
    if due_at != assignment.due_at or penalty != assignment.late_penalty_percent:
        changes = penalties.recompute(db.session, assignment, actor_id=current_user.id,
                                      reason="the assignment's due date or late penalty changed")
        said += (f" The late penalty of {len(changes)} earlier attempt(s) was recomputed (see the audit log)."
                 if changes else "")
    return said


def _rules(a: Assignment) -> str:
    return (f"exercise={a.exercise} functions={a.functions} points={a.points} opens={a.opens_at} due={a.due_at} "
            f"late={a.late_penalty_percent}%x{a.late_days_allowed}d limit={a.submission_limit}/{a.limit_period} "
            f"policy={a.grade_policy} precheck={a.precheck_uploads} published={a.published}")


@bp.route("/assignments/<int:assignment_id>/extensions", methods=["GET", "POST"])
def extensions(assignment_id: int):
    """Per-student deadlines for an assignment."""
    assignment = assignment_for(current_user, assignment_id, staff=True)
    item = course_for(current_user, assignment.course_id, staff=True)
    form = ExtensionForm()
    if form.validate_on_submit():
        user = accounts.user_by_email(db.session, form.email.data)
        enrolled = user is not None and db.session.scalar(select(Enrolment.id).where(
            Enrolment.course_id == item.id, Enrolment.user_id == user.id)) is not None
        if not enrolled:
            flash(f"{form.email.data} is not enrolled in {item.code}.", "error")
        else:
            row = db.session.scalar(select(Extension).where(Extension.assignment_id == assignment.id,
                                                            Extension.user_id == user.id))
            old = row.due_at if row else None
            row = row or Extension(assignment_id=assignment.id, user_id=user.id)
            row.due_at, row.reason, row.granted_by_id = (to_utc(form.due_at.data, item.timezone),
                                                         form.reason.data or "", current_user.id)
            db.session.add(row)
            audit(item.id, "extension.grant", f"{assignment.slug}:{user.email}", old=old, new=row.due_at,
                  reason=row.reason)
            db.session.flush()
            changes = penalties.recompute(db.session, assignment, actor_id=current_user.id, user_ids=[user.id],
                                          reason=f"extension to {row.due_at:%Y-%m-%d %H:%M} UTC: {row.reason}")
            db.session.commit()
            if changes:
                gradebook.on_grade_changed(db.session, assignment.id, user.id)
            flash(extension_message(assignment, user, row, len(changes)), "success")
            return redirect(url_for("staff.extensions", assignment_id=assignment.id)), 303
    rows = db.session.execute(select(Extension, User).join(User, Extension.user_id == User.id)
                              .where(Extension.assignment_id == assignment.id).order_by(Extension.due_at)).all()
    return render_template("staff/extensions.html", assignment=assignment, course=item, form=form, rows=rows)


def extension_message(assignment: Assignment, user: User, extension: Extension, recomputed: int) -> str:
    """What the extension changes for the student, attempts left included (none left is said plainly)."""
    tz = assignment.course.timezone
    deadline = policy.show(extension.due_at, tz)
    left = policy.attempts_left(db.session, assignment, user.id, utcnow(), tz)
    if left == 0:
        text = (f"{user.email}'s deadline for {assignment.slug} is now {deadline}, but they have no attempts "
                f"left ({policy.limit_text(assignment)}), so they cannot submit again.")
    else:
        attempts = "unlimited attempts" if left is None else f"{left} attempt{'s' if left != 1 else ''} left"
        text = f"{user.email} may now submit {assignment.slug} until {deadline} ({attempts})."
    if recomputed:
        text += f" The late penalty of {recomputed} earlier attempt(s) was recomputed (see the audit log)."
    return text


@bp.post("/submissions/<int:submission_id>/retry")
def retry(submission_id: int):
    """Queue again a submission that our failures stopped."""
    row = submission_for(current_user, submission_id, staff=True)
    if lifecycle.retry(db.session, row.id):
        audit(row.assignment.course_id, "submission.retry", str(row.id))
        db.session.commit()
        grading_queue().enqueue(row.id)
        flash(f"Submission {row.id} is queued again.", "success")
    else:
        flash(f"Submission {row.id} is not in error; nothing to retry.", "error")
    return redirect(request.referrer if _same_site(request.referrer) else
                    url_for("staff.course", course_id=row.assignment.course_id)), 303


def _same_site(target: str | None) -> bool:
    return bool(target) and target.startswith(request.host_url)
