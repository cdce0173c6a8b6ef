"""The LTI endpoints an LMS talks to: OIDC login initiation, the launch, our JWKS, the tool's
configuration, the deep-linking pick, and the new-window finish of a launch whose frame lost its
cookies."""
from __future__ import annotations

import logging

from flask import abort, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.lineitem import LineItem
from sqlalchemy import select

from ..extensions import db
from ..models import Assignment, Role, User
from ..models.lti import LtiContext, LtiPlatform
from . import bp, frames, mapping
from .claims import read_launch
from .keys import jwks
from .passback import resource_id
from .refusals import explain
from .registry import ToolUrls, canvas_config
from .tool import LaunchRefused, find_platform, launch_for, login_for, registration_for

log = logging.getLogger(__name__)
DEEP_LINK_SECONDS = 900


def tool_urls() -> ToolUrls:
    return ToolUrls(base=url_for("student.home", _external=True).rstrip("/"),
                    login=url_for("lti.login", _external=True), launch=url_for("lti.launch", _external=True),
                    jwks=url_for("lti.jwks_json", _external=True), deep_link=url_for("lti.launch", _external=True),
                    config_json=url_for("lti.config_json", _external=True))


def refused(error: Exception, status: int = 403):
    """A clear page inside the LMS frame; whatever the launch wanted to create was not created."""
    db.session.rollback()
    if isinstance(error, (LaunchRefused, LtiException, OIDCException)):
        log.info("LTI launch refused: %s: %s", type(error).__name__, error)
    else:       # not the launch's fault: ours, or the database's
        log.exception("LTI launch failed")
    frames.allow_framing(frames.all_platform_origins(db.session))
    return render_template("lti/refused.html", message=explain(error)), status


@bp.route("/login", methods=["GET", "POST"])
def login():
    """OIDC login initiation: the LMS names itself; we answer with a redirect to its authorization."""
    params = request.values
    platform = find_platform(db.session, params.get("iss", ""), params.get("client_id"))
    if platform is None:
        return refused(LaunchRefused("This LMS (its issuer and client id) is not registered with the grader. An "
                                     "administrator registers it under LTI platforms."), 400)
    oidc = login_for(db.session)
    try:
        return oidc.disable_check_cookies().pass_params_to_launch({"platform_id": platform.id}).redirect(
            url_for("lti.launch", _external=True))
    except Exception as error:  # noqa: BLE001 - the library's own refusals (no login hint, ...)
        return refused(error, 400)


@bp.post("/launch")
def launch():
    """The launch: the id_token verified (signature by the platform's JWKS, issuer, audience, nonce
    once, expiry, deployment), then mapped to our course, account and role, and the user let in."""
    message = launch_for(db.session)
    try:
        message.validate()
        body = message.get_launch_data()
        platform = db.session.get(LtiPlatform, message.login_platform_id)
        claims = read_launch(body, platform.id)
        if claims.person.role is None:
            raise LaunchRefused("Your role in this LMS course (observer, guest, ...) has no place in the grader; "
                                "students, TAs and instructors do.")
        context = mapping.context_for(db.session, platform, claims, claims.person.role)
        user = mapping.account_for(db.session, platform, claims.person)
        mapping.enrol(db.session, context, user, claims.person.role)
        if claims.message_type == "LtiDeepLinkingRequest":
            return deep_link_picker(platform, context, user, claims)
        assignment = mapping.link_resource(db.session, context, claims)
        return let_in(platform, user, landing(context, assignment, claims.person.role), framers(platform, claims))
    except Exception as error:  # noqa: BLE001 - every refusal is a page, and nothing it began is kept
        return refused(error)


def landing(context: LtiContext, assignment: Assignment | None, role: Role) -> str:
    """Where a launch lands: a student on the assignment, staff on the course (or its dashboard)."""
    if assignment is None:
        return url_for("staff.course", course_id=context.course_id) if role.is_staff else url_for("student.home")
    if role.is_staff:
        return url_for("dashboard.assignment_overview", assignment_id=assignment.id)
    return url_for("student.assignment", assignment_id=assignment.id)


def framers(platform: LtiPlatform, claims) -> list[str]:
    """Who may frame this launch's pages: the platform's registered origins, and the LMS pages its
    signed message names."""
    return sorted(set(frames.platform_origins(platform)) | {o for o in map(frames.origin, claims.lms_pages) if o})


def start_session(platform: LtiPlatform, user: User, origins: list[str]) -> None:
    login_user(user)
    session[frames.SESSION_KEY] = {"platform": platform.id, "origins": origins}


def let_in(platform: LtiPlatform, user: User, target: str, origins: list[str]):
    """Log the user in inside the frame and go on; the page checks that the frame kept its cookie,
    and offers the rest of the launch in a new window (a one-time token) if it did not."""
    token = frames.issue_launch_token(db.session, user, platform, target)
    db.session.commit()
    start_session(platform, user, origins)
    frames.allow_framing(origins)
    return render_template("lti/launch.html", target=target, check_url=url_for("lti.session_check"),
                           new_window=url_for("lti.finish", token=token))


@bp.get("/session-check")
def session_check():
    """Did the browser keep the launch's session cookie in the frame?"""
    return jsonify(ok=bool(current_user.is_authenticated and session.get(frames.SESSION_KEY)))


@bp.get("/continue/<token>")
def finish(token: str):
    """The launch, finished in a new window: the one-time token stands for the verified launch."""
    row = frames.redeem_launch_token(db.session, token)
    if row is None:
        return refused(LaunchRefused("This link was already used or has expired (it works once, for two "
                                     "minutes). Open the tool again from your course."), 400)
    platform = db.session.get(LtiPlatform, row.platform_id)
    start_session(platform, db.session.get(User, row.user_id), frames.platform_origins(platform))
    return redirect(row.target)


@bp.get("/jwks.json")
def jwks_json():
    """Our public key, which platforms use to check our service requests and deep-linking answers."""
    return jsonify(jwks(current_app.instance_path))


@bp.get("/config.json")
def config_json():
    """Canvas's developer-key JSON for this site (nothing secret in it)."""
    return jsonify(canvas_config(tool_urls(), current_app.config["SITE_NAME"]))


# --- Deep linking: an instructor picks one of the course's assignments inside the LMS ------------------

def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="lti-deep-link")


def deep_link_picker(platform: LtiPlatform, context: LtiContext, user: User, claims):
    """The list to pick from. The pick is carried by a signed, short-lived token rather than the
    session, which the LMS frame may not keep; it also stands for the form's CSRF token."""
    if claims.person.role is not Role.INSTRUCTOR:
        raise LaunchRefused("Only an instructor of the course can add assignments from the grader.")
    settings = claims.deep_linking or {}
    if not settings.get("deep_link_return_url"):
        raise LaunchRefused("The LMS sent no address to return the pick to.")
    db.session.commit()
    assignments = list(db.session.scalars(select(Assignment).where(Assignment.course_id == context.course_id)
                                          .order_by(Assignment.due_at)))
    token = _signer().dumps({"platform": platform.id, "context": context.id, "user": user.id,
                             "deployment": claims.deployment_id, "settings": settings})
    frames.allow_framing(framers(platform, claims))
    return render_template("lti/deep_link_pick.html", assignments=assignments, token=token, course=context.course,
                           new_assignment=url_for("staff.new_assignment", course_id=context.course_id, _external=True))


@bp.post("/deep-link")
def deep_link_pick():
    """Answer the LMS with the picked assignment as a resource link (and its gradebook column)."""
    try:
        pick = _signer().loads(request.form.get("token", ""), max_age=DEEP_LINK_SECONDS)
    except BadSignature:
        return refused(LaunchRefused("This list expired (it works for 15 minutes). Add the tool again from "
                                     "your course."), 400)
    context = db.session.get(LtiContext, pick["context"])
    platform = db.session.get(LtiPlatform, pick["platform"])
    assignment = db.session.get(Assignment, request.form.get("assignment_id", type=int) or 0)
    if context is None or platform is None or assignment is None or assignment.course_id != context.course_id:
        abort(404, "There is no such assignment in this course.")
    resource = (DeepLinkResource().set_type("ltiResourceLink").set_title(assignment.title)
                .set_url(url_for("lti.launch", _external=True))
                .set_custom_params({"assignment_id": str(assignment.id)})
                .set_lineitem(LineItem().set_label(assignment.title).set_score_maximum(float(assignment.points))
                              .set_resource_id(resource_id(assignment)).set_tag("backprop-grader")))
    link = DeepLink(registration_for(platform, current_app.instance_path), pick["deployment"], pick["settings"])
    return_url = pick["settings"]["deep_link_return_url"]
    frames.allow_framing(frames.platform_origins(platform) + [frames.origin(return_url)])
    frames.allow_form_action([frames.origin(return_url)])
    return render_template("lti/deep_link_return.html", return_url=return_url, jwt=link.get_response_jwt([resource]),
                           assignment=assignment)
