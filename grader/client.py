"""`grade login URL` and `grade submit FILE`: a student's terminal talking to the course's server.

An HTTP client over the server's JSON API (/api/v1), standard library only, so that a student's
install needs nothing of the web stack. The API token is kept in the user's config folder, 0600.
"""
from __future__ import annotations

import getpass
import json
import os
import secrets
import sys
import time
from pathlib import Path

import click

from .report.text import to_text
from .results import Report, score_text

TIMEOUT = 30


def credentials_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "backprop-grader" / "credentials.json"


def save_credentials(url: str, token: str, email: str) -> Path:
    path = credentials_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump({"url": url, "token": token, "email": email}, handle)
    os.chmod(path, 0o600)     # an older file may have been created with looser permissions
    return path


def load_credentials() -> dict:
    path = credentials_path()
    try:
        data = json.loads(path.read_text())
        return {"url": data["url"], "token": data["token"], "email": data.get("email", "")}
    except (FileNotFoundError, KeyError, ValueError):
        raise click.ClickException("You are not logged in to a grading server: run `grade login URL` first "
                                   "(URL is your course's grader address).") from None


# `grade submit`'s exit statuses beyond 0 (graded, every check passed) and 1 (anything else):
NO_ATTEMPTS_LEFT = 3      # the assignment's submission limit is used up: retrying will not help
UNGRADABLE = 4            # the server refused the file as ungradable (no attempt was used)
EXIT_FOR_REASON = {"no_attempts_left": NO_ATTEMPTS_LEFT, "ungradable": UNGRADABLE}


class ApiError(click.ClickException):
    """The server said no; `reason` is its stable name for why (no_attempts_left, ...), if any."""

    def __init__(self, message: str, reason: str | None = None):
        super().__init__(message)
        self.reason = reason
        self.exit_code = EXIT_FOR_REASON.get(reason or "", 1)


def request(method: str, url: str, *, token: str | None = None, body: bytes | None = None,
            content_type: str | None = None) -> dict:
    headers = {"Accept": "application/json", "User-Agent": "backprop-grader-cli"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if content_type:
        headers["Content-Type"] = content_type
    # Imported here, not at the top: every `grade` command registers login and submit, and
    # urllib.request (http.client, email, ssl) would add a good part of `grade check`'s start-up.
    import urllib.error
    import urllib.request
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers, method=method),
                                    timeout=TIMEOUT) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        reason = None
        try:
            detail = json.loads(error.read())
            reason = detail.get("reason")
            message = " ".join(p for p in (detail.get("message"), detail.get("next_step")) if p)
        except ValueError:
            message = error.reason
        if error.code == 401 and token:
            message += " Your token may have been revoked: run `grade login` again."
        if reason == "no_attempts_left":
            raise ApiError(f"no attempts left: {message}", reason) from None
        raise ApiError(f"the server refused ({error.code}): {message}", reason) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        reason = getattr(error, "reason", error)
        raise ApiError(f"cannot reach {url.split('/api/')[0]} ({reason}). Check the address and your "
                       "connection, then try again.") from None


def multipart(field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "----grade" + secrets.token_hex(12)
    safe = filename.replace('"', "_").replace("\r", "_").replace("\n", "_")
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{safe}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@click.command()
@click.argument("url")
@click.option("--email", help="Your account's email (asked if not given).")
def login(url: str, email: str | None) -> None:
    """Log in to the grading server at URL and keep an API token for `grade submit`."""
    url = url.rstrip("/")
    if not url.startswith(("http://", "https://")):
        url = "https://" + url
    email = email or click.prompt("Email")
    password = os.environ.get("GRADER_PASSWORD") or getpass.getpass("Password: ")
    body = json.dumps({"email": email, "password": password, "label": "grade submit"}).encode()
    answer = request("POST", f"{url}/api/v1/tokens", body=body, content_type="application/json")
    path = save_credentials(url, answer["token"], email)
    click.echo(f"Logged in to {url} as {email}. Token saved in {path} (readable only by you).")


def find_assignment(assignments: list[dict], slug: str, course: str | None) -> dict:
    matches = [a for a in assignments if a["slug"] == slug and (course is None or a["course"] == course)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        known = ", ".join(sorted(f"{a['course']}/{a['slug']}" for a in assignments)) or "none"
        raise click.ClickException(f"no assignment {slug!r}{f' in {course}' if course else ''}. "
                                   f"Yours: {known}.")
    courses = ", ".join(a["course"] for a in matches)
    raise click.ClickException(f"{slug!r} exists in several of your courses ({courses}): add --course.")


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--assignment", "slug", required=True, help="The assignment's short name, as on its page.")
@click.option("--course", help="The course code, if the assignment name exists in several of your courses.")
@click.option("--wait/--no-wait", default=True, show_default=True, help="Wait for the grade and show the report.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def submit(file: Path, slug: str, course: str | None, wait: bool, output_format: str) -> None:
    """Submit FILE (.py, .ipynb or .zip) to the server you logged in to, and show its grade.

    Exits 0 when every check passed, 3 when no attempts are left, 4 when the server refused the file
    as ungradable (a syntax error, another assignment's code: no attempt used), 1 otherwise."""
    creds = load_credentials()
    api = f"{creds['url']}/api/v1"
    assignment = find_assignment(request("GET", f"{api}/assignments", token=creds["token"])["assignments"],
                                 slug, course)
    body, content_type = multipart("file", file.name, file.read_bytes())
    row = request("POST", f"{api}/assignments/{assignment['id']}/submissions", token=creds["token"], body=body,
                  content_type=content_type)
    click.echo(f"Submitted {file.name} as attempt {row['attempt']} of {assignment['course']}/{slug}: {row['url']}",
               err=True)
    if not wait:
        if output_format == "json":
            click.echo(json.dumps({"id": row["id"], "url": row["url"], "attempt": row["attempt"],
                                   "status": row["status"]}, indent=2))
        return
    row = wait_for_grade(api, creds["token"], row["id"])
    if output_format == "json":
        click.echo(json.dumps(row, indent=2))
    elif row["status"] == "error":
        click.echo(row.get("error") or "The server could not grade this submission.")
    else:
        click.echo(to_text(Report.from_dict(row["report"]), color=sys.stdout.isatty()))
        click.echo(grade_lines(row))
    report = row.get("report") or {}
    sys.exit(0 if row["status"] == "graded" and report.get("tests") and
             all(t["status"] == "passed" for t in report["tests"]) else 1)


def grade_lines(row: dict) -> str:
    """This attempt's points, and the grade that counts when another attempt is it."""
    text = (f"Points: {score_text(row['score'])} / {score_text(row['max_score'])}"
            + (f" (after a {row['penalty_percent']:g}% late penalty)" if row["penalty_percent"] else ""))
    grade = row.get("grade")
    if grade and grade["submission_id"] != row["id"]:
        text += (f"\nYour grade ({grade['policy']} attempt counts): {score_text(grade['score'])} / "
                 f"{score_text(grade['max_score'])}, from attempt {grade['attempt']}")
    elif grade:
        text += "\nThis attempt is your grade for the assignment."
    return text


def wait_for_grade(api: str, token: str, submission_id: int, poll_seconds: float = 1.0) -> dict:
    shown = None
    while True:
        row = request("GET", f"{api}/submissions/{submission_id}", token=token)
        state = (row["status"], row.get("position"))
        if state != shown:
            where = f" (position {row['position']})" if row.get("position") else ""
            click.echo(f"  {row['status']}{where}", err=True)
            shown = state
        if row["status"] in ("graded", "error"):
            return row
        time.sleep(poll_seconds)
