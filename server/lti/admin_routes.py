"""Admins register LMS platforms; staff see what was sent to their LMS gradebook and what failed,
send failures again, and sync the roster on demand."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import delete, select
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..authz import course_for, require_admin
from ..extensions import db
from ..models import Assignment, User
from ..models.lti import LtiContext, LtiPassback, LtiPlatform
from . import bp
from .registry import PlatformFields, RegistrationError, add_platform, canvas_config, moodle_fields, split_list


class PlatformForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    issuer = StringField("Issuer (platform id)", validators=[DataRequired(), Length(max=255)])
    client_id = StringField("Client id", validators=[DataRequired(), Length(max=255)])
    deployment_ids = TextAreaField("Deployment ids (one a line)", validators=[DataRequired()])
    auth_login_url = StringField("OIDC authorization URL", validators=[DataRequired(), Length(max=500)])
    auth_token_url = StringField("Access token URL", validators=[DataRequired(), Length(max=500)])
    key_set_url = StringField("Public keyset (JWKS) URL", validators=[DataRequired(), Length(max=500)])
    token_audience = StringField("Token audience (if the LMS names one)", validators=[Length(max=500)])
    frame_origins = TextAreaField("LMS web addresses that show the tool (one a line; default: the issuer's)")


@bp.route("/admin/platforms", methods=["GET", "POST"])
@login_required
def platforms():
    """The registered LMS platforms, a form to add one, and what to paste into the LMS."""
    require_admin(current_user)
    from .routes import tool_urls
    form = PlatformForm()
    if form.validate_on_submit():
        fields = PlatformFields(name=form.name.data, issuer=form.issuer.data, client_id=form.client_id.data,
                                deployment_ids=split_list(form.deployment_ids.data),
                                auth_login_url=form.auth_login_url.data, auth_token_url=form.auth_token_url.data,
                                key_set_url=form.key_set_url.data, token_audience=form.token_audience.data or "",
                                frame_origins=split_list(form.frame_origins.data))
        try:
            platform = add_platform(db.session, fields)
            db.session.commit()
            flash(f"Platform {platform.name} registered.", "success")
            return redirect(url_for("lti.platforms"))
        except RegistrationError as error:
            db.session.rollback()
            flash(str(error), "error")
    rows = list(db.session.scalars(select(LtiPlatform).order_by(LtiPlatform.name)))
    urls = tool_urls()
    title = current_app.config["SITE_NAME"]
    return render_template("lti/platforms.html", form=form, platforms=rows, urls=urls,
                           moodle=moodle_fields(urls, title), canvas=canvas_config(urls, title)), \
        (400 if request.method == "POST" else 200)


@bp.post("/admin/platforms/<int:platform_id>/delete")
@login_required
def delete_platform(platform_id: int):
    """Remove a registration (its launches stop working; courses and grades stay)."""
    require_admin(current_user)
    platform = db.get_or_404(LtiPlatform, platform_id, description="There is no such platform.")
    db.session.execute(delete(LtiPlatform).where(LtiPlatform.id == platform.id))
    db.session.commit()
    flash(f"Platform {platform.name} removed.", "success")
    return redirect(url_for("lti.platforms"))


@bp.get("/courses/<int:course_id>/status")
@login_required
def status(course_id: int):
    """What was sent to the LMS gradebook, what failed and why, and the roster's last sync."""
    course = course_for(current_user, course_id, staff=True)
    contexts = list(db.session.scalars(select(LtiContext).where(LtiContext.course_id == course.id)))
    rows = db.session.execute(
        select(LtiPassback, User, Assignment).join(User, User.id == LtiPassback.user_id)
        .join(Assignment, Assignment.id == LtiPassback.assignment_id)
        .join(LtiContext, LtiContext.id == LtiPassback.context_id)
        .where(LtiContext.course_id == course.id)
        .order_by(LtiPassback.state, Assignment.due_at, User.email)).all()
    counts: dict[str, int] = {}
    for passback, _, _ in rows:
        counts[str(passback.state)] = counts.get(str(passback.state), 0) + 1
    return render_template("lti/status.html", course=course, contexts=contexts, rows=rows, counts=counts)


@bp.post("/courses/<int:course_id>/retry")
@login_required
def retry(course_id: int):
    """Send every failed grade again now (from the queue)."""
    from .passback import retry_now
    course = course_for(current_user, course_id, staff=True)
    tasks = current_app.extensions["lti_tasks"]
    ids = retry_now(db.session, course.id)
    for passback_id in ids:
        tasks.send(passback_id)
    flash(f"{len(ids)} grade(s) queued to be sent again.", "success")
    return redirect(url_for("lti.status", course_id=course.id))


@bp.post("/courses/<int:course_id>/sync-roster")
@login_required
def sync_roster(course_id: int):
    """Sync the roster from the LMS now (from the queue: the page does not wait for the LMS)."""
    course = course_for(current_user, course_id, instructor=True)
    tasks = current_app.extensions["lti_tasks"]
    contexts = list(db.session.scalars(select(LtiContext.id).where(LtiContext.course_id == course.id,
                                                                   LtiContext.memberships_url.is_not(None))))
    for context_id in contexts:
        tasks.sync(context_id)
    flash(f"Roster sync queued for {len(contexts)} LMS course(s)." if contexts else
          "No LMS course linked here offers its roster yet: open the tool once from the LMS course.",
          "success" if contexts else "error")
    return redirect(url_for("lti.status", course_id=course.id))
