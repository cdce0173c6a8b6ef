"""`grade serve`, `grade worker`, `grade admin ...`: the web side's commands (added to `grade`
through the `grade.commands` entry points; the grader package never imports this)."""
from __future__ import annotations

import ipaddress
import logging
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from .supervisor import Supervisor

INSTANCE_HELP = "The instance folder (database, queue, secrets) [default: $GRADER_INSTANCE or ./instance]."


def instance_option(command):
    return click.option("--instance", type=click.Path(file_okay=False, path_type=Path), envvar="GRADER_INSTANCE",
                        default=lambda: Path.cwd() / "instance", help=INSTANCE_HELP)(command)


def make_app(instance: Path, overrides: dict | None = None):
    from . import create_app
    return create_app(overrides, instance_path=str(instance.resolve()))


def upgrade_database(app) -> None:
    """Bring the schema to the newest migration (creates the database on first run)."""
    from flask_migrate import upgrade
    with app.app_context():
        logging.getLogger("alembic").setLevel(logging.WARNING)
        upgrade()


def prepare_database(app) -> None:
    """upgrade_database for a command: a database it cannot reach or migrate is a clear error."""
    try:
        upgrade_database(app)
    except Exception as error:  # noqa: BLE001 - say what to do instead of a traceback
        raise click.ClickException(f"cannot prepare the database {_safe_url(app)}: {error}") from None


def ensure_admin(app) -> tuple[str, str | None]:
    """A site admin exists: (email, password if just created)."""
    from sqlalchemy import select

    from .accounts import ensure_user
    from .extensions import db
    from .models import User
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.is_admin.is_(True)).order_by(User.id))
        if admin is not None:
            return admin.email, None
        password = secrets.token_urlsafe(12)
        user, _ = ensure_user(db.session, os.environ.get("GRADER_ADMIN_EMAIL", "admin@localhost"), "Administrator",
                              password=password, is_admin=True)
        db.session.commit()
        return user.email, password


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@click.command()
@instance_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(0, 64),
              help="Grading worker processes to start beside the web server (0: run `grade worker` yourself).")
def serve(instance: Path, host: str, port: int, workers: int) -> None:
    """Run the whole site on this machine: migrate, create an admin, start workers, serve the web app."""
    overrides = {} if not is_loopback(host) else {"SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False}
    app = make_app(instance, overrides)
    prepare_database(app)
    click.echo(f"Database ready: {_safe_url(app)}")
    email, password = ensure_admin(app)
    base = f"http://{host}:{port}"
    # SIGTERM unwinds through `finally` from the moment the first worker exists, never orphaning one.
    signal.signal(signal.SIGTERM, _stop)
    supervisor = Supervisor(lambda: _start_worker(instance), workers, say=lambda text: click.echo(text, err=True))
    try:
        supervisor.start()
        click.echo(f"Serving {app.config['SITE_NAME']} at {base}/  (instance folder: {instance.resolve()})")
        if password:
            click.echo(f"Created the site admin. Log in at {base}/login as {email} with password {password}\n"
                       f"(change it on your account page; `grade admin reset-password {email}` makes a new link).")
        else:
            click.echo(f"Log in at {base}/login as {email} (or another account).")
        click.echo(f"{workers} grading worker(s) started (restarted if one dies); queue: "
                   f"{'Redis' if app.config.get('REDIS_URL') else 'SQLite in the instance folder'}. Ctrl-C stops.")
        if not overrides:
            click.echo("Not on loopback: session cookies are Secure, so serve this behind HTTPS.")
        web_server(app, host, port).serve_forever()
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port} ({error.strerror}); choose --port") from None
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        supervisor.stop()


def web_server(app, host: str, port: int):
    """Werkzeug's threaded server, whose connections time out: a thread per connection, so without a
    read timeout 300 idle connections held 300 threads, for ever (SERVE_READ_TIMEOUT seconds)."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class TimedRequestHandler(WSGIRequestHandler):
        timeout = app.config["SERVE_READ_TIMEOUT"]      # socketserver sets it on each connection

    return make_server(host, port, app, threaded=True, request_handler=TimedRequestHandler)


def _stop(*_signal) -> None:
    raise SystemExit(0)     # unwinds serve_forever, so the workers are stopped in `finally`


def _safe_url(app) -> str:
    from sqlalchemy.engine import make_url
    return make_url(app.config["SQLALCHEMY_DATABASE_URI"]).render_as_string(hide_password=True)


def _start_worker(instance: Path, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "server.cli", "worker", "--instance", str(instance)], **popen)


def _stop_workers(children: list[subprocess.Popen]) -> None:
    for child in children:
        child.terminate()
    for child in children:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()


def _grading_course(app):
    """The course directory the workers grade against; a ClickException when it cannot grade."""
    from grader.course import CourseNotFound, find_course
    try:
        course = find_course(app.config.get("GRADER_COURSE"))
    except CourseNotFound as error:
        raise click.ClickException(f"{error} (the worker grades against it)") from None
    if not all(course.has_reference(a) for a in ("gates", "layers")):
        raise click.ClickException(f"{course.reference_dir} lacks the reference solutions; hidden checks need "
                                   "them. Point GRADER_COURSE at the instructor's course folder.")
    return course


@click.command()
@instance_option
def worker(instance: Path) -> None:
    """Grade queued submissions until stopped (run several, on one machine or many, with REDIS_URL)."""
    from .extensions import db
    from .queue import health
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("huey").setLevel(logging.WARNING)
    app = make_app(instance)
    queue = app.extensions["grading_queue"]
    course = _grading_course(app)
    from grader.memory_bound import bound_grading_process
    try:
        bound = bound_grading_process()    # a process that grades all day: its own memory bound
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    with app.app_context():
        try:
            recovered = queue.reap()     # what dead workers and lost messages left behind
        except Exception as error:  # noqa: BLE001
            raise click.ClickException(f"cannot reach the database {_safe_url(app)}: {error}") from None
        heartbeat_id = health.register(db.session)
    click.echo(f"worker {os.getpid()} ready (course {course.root}, memory bound "
               f"{f'{bound >> 20} MiB' if bound else 'none'}); {len(recovered)} submission(s) recovered at start",
               err=True)
    threading.Thread(target=_reap_forever, args=(app,), name="reaper", daemon=True).start()
    threading.Thread(target=_beat_forever, args=(app, heartbeat_id), name="heartbeat", daemon=True).start()
    try:
        queue.consumer().run()
    finally:
        with app.app_context():
            health.unregister(db.session, heartbeat_id)


def _beat_forever(app, heartbeat_id: int) -> None:
    """Every GRADING_HEARTBEAT_SECONDS: tell the site this worker is alive (staff see it, and the
    stalled-grading banner and /healthz read it)."""
    from .extensions import db
    from .queue import health
    log = logging.getLogger("server.heartbeat")
    while True:
        time.sleep(app.config["GRADING_HEARTBEAT_SECONDS"])
        try:
            with app.app_context():
                health.beat(db.session, heartbeat_id)
        except Exception:  # noqa: BLE001 - the database is down: the next beat tries again
            log.exception("heartbeat failed; retrying")


def _reap_forever(app) -> None:
    """Every GRADING_REAP_SECONDS: hand back what dead workers and lost messages left behind. Every
    worker does it; a row handed back twice is claimed once."""
    log = logging.getLogger("server.reaper")
    while True:
        time.sleep(app.config["GRADING_REAP_SECONDS"])
        try:
            with app.app_context():
                app.extensions["grading_queue"].reap()
            for job in app.extensions.get("periodic_jobs", []):   # e.g. server.lti: passback retries, rosters
                job()
        except Exception:  # noqa: BLE001 - the database or Redis is down: try again next time
            log.exception("reaping failed; retrying in %ss", app.config["GRADING_REAP_SECONDS"])


@click.group()
def admin() -> None:
    """Site administration from the terminal: users, courses, rosters, assignments, the queue."""


def _admin_context(instance: Path):
    app = make_app(instance)
    return app, app.app_context()


def _course(code: str):
    from sqlalchemy import select

    from .extensions import db
    from .models import Course
    course = db.session.scalar(select(Course).where(Course.code == code))
    if course is None:
        raise click.ClickException(f"no course {code!r}; `grade admin create-course` makes one")
    return course


def _link(app, token: str) -> str:
    return f"{app.config.get('BASE_URL', 'http://127.0.0.1:5000').rstrip('/')}/invite/{token}"


@admin.command("create-user")
@instance_option
@click.argument("email")
@click.option("--name", default="")
@click.option("--admin", "is_admin", is_flag=True, help="A site admin (may create courses).")
def create_user(instance: Path, email: str, name: str, is_admin: bool) -> None:
    """Create an account and print its invitation link (to set a password)."""
    from . import accounts
    from .extensions import db
    app, context = _admin_context(instance)
    with context:
        user, created = accounts.ensure_user(db.session, email, name, is_admin=is_admin)
        user.is_admin = user.is_admin or is_admin
        user.name = user.name or name
        token = accounts.invite(db.session, user, app.config["INVITATION_DAYS"])
        db.session.commit()
        click.echo(f"{'created' if created else 'exists'}: {user.email}; set a password at {_link(app, token)}")


@admin.command("reset-password")
@instance_option
@click.argument("email")
def reset_password(instance: Path, email: str) -> None:
    """Print a fresh one-time link that lets EMAIL set a new password."""
    from . import accounts
    from .extensions import db
    app, context = _admin_context(instance)
    with context:
        user = accounts.user_by_email(db.session, email)
        if user is None:
            raise click.ClickException(f"no account {email}")
        token = accounts.invite(db.session, user, app.config["INVITATION_DAYS"])
        db.session.commit()
        click.echo(_link(app, token))


@admin.command("create-course")
@instance_option
@click.argument("code")
@click.option("--title", required=True)
@click.option("--timezone", "tz", default="UTC", show_default=True, help="IANA name, e.g. Europe/Paris.")
@click.option("--instructor", "instructors", multiple=True, help="Email of an instructor (repeatable).")
def create_course(instance: Path, code: str, title: str, tz: str, instructors: tuple[str, ...]) -> None:
    """Create a course."""
    from sqlalchemy.exc import IntegrityError

    from . import accounts
    from .extensions import db
    from .models import Course, Role
    try:
        ZoneInfo(tz)
    except Exception:  # noqa: BLE001
        raise click.ClickException(f"{tz!r} is not a time zone name (e.g. UTC, Europe/Paris)") from None
    app, context = _admin_context(instance)
    with context:
        course = Course(code=code, title=title, timezone=tz)
        db.session.add(course)
        try:
            db.session.flush()
        except IntegrityError:
            raise click.ClickException(f"a course {code!r} exists already") from None
        for email in instructors:
            user, _ = accounts.ensure_user(db.session, email)
            accounts.enrol(db.session, course, user, Role.INSTRUCTOR)
        db.session.commit()
        click.echo(f"created course {code} (id {course.id})")


@admin.command("import-roster")
@instance_option
@click.argument("course_code")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
def import_roster(instance: Path, course_code: str, csv_file) -> None:
    """Import a roster CSV (name, email, student_id) into COURSE_CODE; prints invitation links."""
    from . import accounts
    from .extensions import db
    app, context = _admin_context(instance)
    with context:
        try:
            outcome = accounts.import_roster(db.session, _course(course_code), csv_file.read(),
                                             app.config["INVITATION_DAYS"], by_admin=True)
        except accounts.RosterError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"{outcome.created} new, {outcome.updated} updated, {outcome.unchanged} unchanged", err=True)
        for refusal in outcome.refused:
            click.echo(f"not imported: {refusal}", err=True)
        for name, email, token in outcome.invitations:
            click.echo(f"{email},{_link(app, token)}")


@admin.command("add-staff")
@instance_option
@click.argument("course_code")
@click.argument("email")
@click.option("--role", type=click.Choice(["ta", "instructor"]), default="ta", show_default=True)
def add_staff(instance: Path, course_code: str, email: str, role: str) -> None:
    """Make EMAIL a TA or instructor of COURSE_CODE."""
    from . import accounts
    from .extensions import db
    from .models import Role
    app, context = _admin_context(instance)
    with context:
        user, _ = accounts.ensure_user(db.session, email)
        accounts.enrol(db.session, _course(course_code), user, Role(role))
        token = None if user.password_hash else accounts.invite(db.session, user, app.config["INVITATION_DAYS"])
        db.session.commit()
        click.echo(f"{email} is {role} of {course_code}" + (f"; set a password at {_link(app, token)}" if token else ""))


def _parse_local(text: str, tz: str) -> datetime:
    try:
        return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(tz))
    except ValueError:
        raise click.BadParameter(f"{text!r}: use YYYY-MM-DD HH:MM") from None


@admin.command("create-assignment")
@instance_option
@click.argument("course_code")
@click.argument("slug")
@click.option("--exercise", type=click.Choice(["gates", "layers"]), required=True)
@click.option("--title")
@click.option("--due", required=True, help="In the course's time zone: 'YYYY-MM-DD HH:MM'.")
@click.option("--points", type=click.FloatRange(min=0.01), default=100.0, show_default=True)
@click.option("--late-penalty", type=click.FloatRange(0, 100), default=0.0, help="Percent per day started.")
@click.option("--late-days", type=click.IntRange(0, 365), default=0)
@click.option("--limit", type=click.IntRange(min=1), help="Submissions allowed (default: unlimited).")
@click.option("--per-day", is_flag=True, help="The limit counts per day, not in total.")
@click.option("--publish", is_flag=True)
def create_assignment(instance: Path, course_code: str, slug: str, exercise: str, title: str | None, due: str,
                      points: float, late_penalty: float, late_days: int, limit: int | None, per_day: bool,
                      publish: bool) -> None:
    """Create an assignment of COURSE_CODE."""
    from .extensions import db
    from .models import Assignment, LimitPeriod
    app, context = _admin_context(instance)
    with context:
        course = _course(course_code)
        row = Assignment(course_id=course.id, slug=slug, title=title or slug, exercise=exercise, points=points,
                         due_at=_parse_local(due, course.timezone), late_penalty_percent=late_penalty,
                         late_days_allowed=late_days, submission_limit=limit,
                         limit_period=LimitPeriod.DAY if per_day else LimitPeriod.TOTAL, published=publish)
        db.session.add(row)
        db.session.commit()
        click.echo(f"created {course_code}/{slug} (id {row.id}){' published' if publish else ''}")


@admin.command("reap")
@instance_option
def reap(instance: Path) -> None:
    """Enqueue again submissions a dead worker or a lost message left behind."""
    app, context = _admin_context(instance)
    with context:
        ids = app.extensions["grading_queue"].reap()
        click.echo(f"re-enqueued {len(ids)} submission(s)")


@admin.command("retry")
@instance_option
@click.argument("submission_id", type=int)
def retry(instance: Path, submission_id: int) -> None:
    """Queue again a submission that ended in `error` (our failure)."""
    from .extensions import db
    from .queue import lifecycle
    app, context = _admin_context(instance)
    with context:
        if not lifecycle.retry(db.session, submission_id):
            raise click.ClickException(f"submission {submission_id} is not in error")
        app.extensions["grading_queue"].enqueue(submission_id)
        click.echo(f"submission {submission_id} queued again")


@admin.command("export")
@instance_option
@click.argument("course_code")
@click.argument("assignment_slug")
@click.option("--format", "kind", type=click.Choice(["canvas", "csv", "json"]), default="canvas", show_default=True)
@click.option("-o", "--output", type=click.File("w"), default="-", help="File to write (default: standard output).")
def export(instance: Path, course_code: str, assignment_slug: str, kind: str, output) -> None:
    """Export an assignment's grades: Canvas gradebook CSV, plain CSV or the full JSON."""
    from .dashboard.exports import export_assignment
    app, context = _admin_context(instance)
    with context:
        output.write(export_assignment(_course(course_code), assignment_slug, kind))


@admin.command("demo")
@instance_option
@click.option("--course", "code", default="bp-demo", show_default=True, help="The demo course's code.")
@click.option("--students", type=click.IntRange(1, 2000), default=200, show_default=True)
@click.option("--attempts", type=click.IntRange(1, 20), default=6, show_default=True,
              help="The most attempts one student makes at one assignment (most make fewer).")
@click.option("--seed", type=int, default=2026, show_default=True, help="The same seed makes the same class.")
@click.option("--replace", is_flag=True, help="Delete the course (and its demo accounts) first if it exists.")
@click.option("--workers", type=click.IntRange(1, 64), default=lambda: os.cpu_count() or 1,
              help="Grading workers to start [default: one per core].")
@click.option("--no-wait", is_flag=True, help="Only queue the submissions: `grade serve` (or `grade worker`) "
              "grades them, and the dashboard fills in as you watch.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535),
              help="The port you will run `grade serve` on (for the addresses printed at the end).")
def demo(instance: Path, code: str, students: int, attempts: int, seed: int, replace: bool, workers: int,
         no_wait: bool, port: int) -> None:
    """Create a demo course (students, staff, two assignments, thousands of attempts) and grade it for real."""
    from .demo import DemoExists, create_demo
    from .demo import progress
    from .extensions import db
    from .models import Assignment
    app = make_app(instance)
    prepare_database(app)
    _grading_course(app)       # before writing anything: the workers could not grade without it
    with app.app_context():
        try:
            made = create_demo(db.session, app.extensions["grading_queue"], code=code, students=students,
                               max_attempts=attempts, seed=seed, replace=replace, max_bytes=app.config["MAX_CONTENT_LENGTH"],
                               progress=lambda n, total: click.echo(f"submitting {n}/{total}", err=True))
        except DemoExists as error:
            raise click.ClickException(str(error)) from None
    total = len(made.submission_ids)
    click.echo(f"Created course {code}: {made.students} students, {made.staff} staff, 2 assignments, "
               f"{total} submissions queued.")
    where = "" if instance.resolve() == (Path.cwd() / "instance").resolve() else f" --instance {instance}"
    if no_wait:
        click.echo(f"`grade serve{where}` grades them (about {progress.minutes(progress.estimate_seconds(total, 1))} "
                   f"with its one worker; `--workers {workers}` or `grade worker{where}` processes go faster).")
    else:
        click.echo(f"Grading with {workers} worker(s): about {progress.minutes(progress.estimate_seconds(total, workers))}"
                   " (Ctrl-C stops; what is left is graded by `grade serve` later).")
        log = open(instance / "demo-workers.log", "ab")
        children = [_start_worker(instance, stdout=log, stderr=subprocess.STDOUT) for _ in range(workers)]
        try:
            with app.app_context():
                final = progress.watch(lambda: progress.counts(db.session, made.course_id), total,
                                       lambda text: click.echo(text, err=True),
                                       alive=lambda: any(child.poll() is None for child in children))
        except KeyboardInterrupt:
            final = None
            click.echo("Stopped; the rest stays queued for `grade serve` or `grade worker`.", err=True)
        finally:
            _stop_workers(children)
            log.close()
        if final is not None and final.waiting:
            raise click.ClickException(f"the workers stopped with {final.waiting} submission(s) left; see "
                                       f"{instance / 'demo-workers.log'}")
        with app.app_context():
            for slug, assignment_id in made.assignment_ids.items():
                click.echo(progress.summary(db.session, db.session.get(Assignment, assignment_id)))
    base = app.config.get("BASE_URL", f"http://127.0.0.1:{port}").rstrip("/")
    first = min(made.assignment_ids.values())
    serve = f"grade serve{where}" + (f" --port {port}" if port != 5000 else "")
    click.echo(f"Now run `{serve}` and log in at {base}/login as the instructor {made.instructor_email} "
               f"with password {made.password}\n(every demo account, TAs and students too, has that password). "
               f"The first dashboard: {base}/staff/assignments/{first}/dashboard")


from .lti.cli import lti as _lti  # noqa: E402  (after `admin` and the helpers it imports)
admin.add_command(_lti)


def main() -> None:
    """`python -m server.cli worker ...`: how `grade serve` starts its workers."""
    click.CommandCollection(sources=[click.Group(commands={"serve": serve, "worker": worker, "admin": admin})])()


if __name__ == "__main__":
    main()
