"""`grade admin lti ...`: register LMS platforms, print what to paste into the LMS, link an LMS
course to an existing course, sync rosters and resend grades from the terminal."""
from __future__ import annotations

import json
from pathlib import Path

import click


def _app(instance: Path):
    from ..cli import make_app
    return make_app(instance)


def _instance(command):
    from ..cli import instance_option
    return instance_option(command)


@click.group("lti")
def lti() -> None:
    """LTI 1.3 platforms (Canvas, Moodle, Blackboard): register, configure, sync."""


@lti.command("add-platform")
@_instance
@click.option("--name", required=True, help="A name for people, e.g. 'Canvas (university)'.")
@click.option("--issuer", required=True, help="The platform's issuer, e.g. https://canvas.instructure.com.")
@click.option("--client-id", required=True, help="The client id the LMS gave the tool.")
@click.option("--deployment-id", "deployment_ids", multiple=True, required=True, help="Repeatable.")
@click.option("--auth-login-url", required=True, help="The platform's OIDC authorization endpoint.")
@click.option("--auth-token-url", required=True, help="The platform's OAuth2 access token endpoint.")
@click.option("--key-set-url", required=True, help="The platform's public keyset (JWKS) URL.")
@click.option("--token-audience", default="", help="The audience of our token requests, if the LMS names one.")
@click.option("--frame-origin", "frame_origins", multiple=True,
              help="The LMS's web address that shows the tool in a frame (repeatable; default: the issuer's).")
def add_platform(instance: Path, name, issuer, client_id, deployment_ids, auth_login_url, auth_token_url,
                 key_set_url, token_audience, frame_origins) -> None:
    """Register a platform (one issuer may be registered with several client ids)."""
    from ..extensions import db
    from .registry import PlatformFields, RegistrationError, add_platform as add
    app = _app(instance)
    with app.app_context():
        try:
            platform = add(db.session, PlatformFields(name, issuer, client_id, list(deployment_ids), auth_login_url,
                                                      auth_token_url, key_set_url, token_audience, list(frame_origins)))
        except RegistrationError as error:
            raise click.ClickException(str(error)) from None
        db.session.commit()
        click.echo(f"registered platform {platform.id}: {platform.name} ({platform.issuer}, client {platform.client_id})")


@lti.command("add-deployment")
@_instance
@click.argument("platform_id", type=int)
@click.argument("deployment_id")
def add_deployment(instance: Path, platform_id: int, deployment_id: str) -> None:
    """Accept launches from another deployment of the tool on a registered platform."""
    from ..extensions import db
    from ..models.lti import LtiPlatform
    app = _app(instance)
    with app.app_context():
        platform = db.session.get(LtiPlatform, platform_id)
        if platform is None:
            raise click.ClickException(f"no platform {platform_id}; `grade admin lti list` shows them")
        platform.deployment_ids = sorted(set(platform.deployment_ids or []) | {deployment_id.strip()})
        db.session.commit()
        click.echo(f"platform {platform_id} deployments: {', '.join(platform.deployment_ids)}")


@lti.command("list")
@_instance
def list_platforms(instance: Path) -> None:
    """The registered platforms."""
    from sqlalchemy import select

    from ..extensions import db
    from ..models.lti import LtiPlatform
    app = _app(instance)
    with app.app_context():
        rows = list(db.session.scalars(select(LtiPlatform).order_by(LtiPlatform.id)))
        if not rows:
            click.echo("no platforms registered; `grade admin lti add-platform --help` says how")
        for p in rows:
            click.echo(f"{p.id}\t{p.name}\t{p.issuer}\tclient {p.client_id}\tdeployments {','.join(p.deployment_ids)}")


@lti.command("remove")
@_instance
@click.argument("platform_id", type=int)
def remove(instance: Path, platform_id: int) -> None:
    """Remove a registration (its launches stop; courses and grades stay)."""
    from sqlalchemy import delete

    from ..extensions import db
    from ..models.lti import LtiPlatform
    app = _app(instance)
    with app.app_context():
        if not db.session.execute(delete(LtiPlatform).where(LtiPlatform.id == platform_id)).rowcount:
            raise click.ClickException(f"no platform {platform_id}")
        db.session.commit()
        click.echo(f"removed platform {platform_id}")


@lti.command("config")
@_instance
@click.option("--lms", type=click.Choice(["canvas", "moodle"]), default="canvas", show_default=True)
def config(instance: Path, lms: str) -> None:
    """What to paste into the LMS: Canvas's developer-key JSON, or Moodle's fields (BASE_URL is the site)."""
    from .registry import canvas_config, moodle_fields
    from .routes import tool_urls
    app = _app(instance)
    # The site's address, as the invitation links use it: url_for needs one outside a request.
    with app.app_context(), app.test_request_context("/", base_url=app.config.get("BASE_URL", "http://127.0.0.1:5000")):
        urls, title = tool_urls(), app.config["SITE_NAME"]
        if lms == "canvas":
            click.echo(json.dumps(canvas_config(urls, title), indent=2))
        else:
            for field, value in moodle_fields(urls, title):
                click.echo(f"{field}: {value}")


@lti.command("link")
@_instance
@click.argument("platform_id", type=int)
@click.argument("context_id")
@click.argument("course_code")
def link(instance: Path, platform_id: int, context_id: str, course_code: str) -> None:
    """Link an LMS course (its context id) to an existing course, before or after its first launch."""
    from sqlalchemy import select

    from ..cli import _course
    from ..extensions import db
    from ..models.lti import LtiContext, LtiPlatform
    app = _app(instance)
    with app.app_context():
        if db.session.get(LtiPlatform, platform_id) is None:
            raise click.ClickException(f"no platform {platform_id}; `grade admin lti list` shows them")
        course = _course(course_code)
        context = db.session.scalar(select(LtiContext).where(LtiContext.platform_id == platform_id,
                                                             LtiContext.context_id == context_id))
        if context is None:
            context = LtiContext(platform_id=platform_id, context_id=context_id, course_id=course.id)
            db.session.add(context)
        context.course_id = course.id
        db.session.commit()
        click.echo(f"LMS course {context_id} of platform {platform_id} is linked to {course.code}")


@lti.command("sync-roster")
@_instance
@click.argument("course_code")
def sync_roster(instance: Path, course_code: str) -> None:
    """Sync the course's roster from its linked LMS course(s) now (waits for the LMS)."""
    from sqlalchemy import select

    from ..cli import _course
    from ..extensions import db
    from ..models.lti import LtiContext
    from .roster import RosterError, sync
    app = _app(instance)
    with app.app_context():
        course = _course(course_code)
        contexts = list(db.session.scalars(select(LtiContext).where(LtiContext.course_id == course.id)))
        if not contexts:
            raise click.ClickException(f"{course_code} is not linked to an LMS course; open the tool from it once")
        for context in contexts:
            try:
                click.echo(f"{context.platform.name} / {context.title or context.context_id}: "
                           f"{sync(db.session, context, app.instance_path).summary()}")
            except RosterError as error:
                raise click.ClickException(str(error)) from None


@lti.command("resend")
@_instance
@click.argument("course_code")
def resend(instance: Path, course_code: str) -> None:
    """Queue every failed grade of the course to be sent to the LMS again now."""
    from ..cli import _course
    from ..extensions import db
    from .passback import retry_now
    app = _app(instance)
    with app.app_context():
        ids = retry_now(db.session, _course(course_code).id)
        for passback_id in ids:
            app.extensions["lti_tasks"].send(passback_id)
        click.echo(f"{len(ids)} grade(s) queued to be sent again")
