"""The staff submission page of a huge upload (issue 22): time and size, printed, never asserted.

    python bench/staff_page.py                     # a ~50 MB-unzipped zip and the attempt before it
    python bench/staff_page.py --megabytes 20 --repeat 10
    python bench/staff_page.py --postgresql postgresql+psycopg://postgres@127.0.0.1:5432/postgres

Stores attempts of one student as rows (the upload checks of today refuse more than 20 MB
unpacked; a row from before them, or an instance with larger limits, is what this page must still
survive), in pairs, the second of each a little different so that the page diffs them:
  - a zip of 50 Python files of --megabytes / 50 each (each past the size one file is shown at);
  - a zip of --megabytes in files of 380 KB (under that size: every file looked at is read, cut,
    highlighted until the page's budget is spent, and diffed);
and a notebook as odd as JSON allows, which must render too. Then logs in as a TA and fetches each
pair's second page --repeat times. Goal: under a second (before issue 22, a 413 KB zip took 206 s
and 275 MB of HTML).
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import statistics
import sys
import tempfile
import time
import uuid
import zipfile
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402

from server import create_app  # noqa: E402
from server.dashboard import shown_source  # noqa: E402
from server.extensions import db  # noqa: E402
from server.models import Assignment, Course, Enrolment, Role, Submission, SubmissionStatus, User  # noqa: E402
from server.passwords import hash_password  # noqa: E402

PASSWORD = "bench password"
SMALL_MEMBER = 380 * 1024


def source(member: int, size: int, variant: int) -> bytes:
    """About `size` bytes of plausible Python (a function per line pair), different per member and variant."""
    lines, total, i = [], 0, 0
    while total < size:
        line = f"def f_{member}_{i}(x):\n    return x * {i + variant} + {member}  # {'pad ' * (i % 9)}\n"
        lines.append(line)
        total += len(line)
        i += 1
    return "".join(lines).encode()


def zipped(megabytes: float, members: int, variant: int) -> tuple[bytes, int]:
    """A zip of `members` sources, megabytes unpacked in all; (its bytes, the unpacked size)."""
    size = int(megabytes * 2**20 / members)
    buffer, unpacked = io.BytesIO(), 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in range(members):
            data = source(member, size, variant)
            unpacked += len(data)
            archive.writestr(f"hw/part{member:02d}.py", data)
    return buffer.getvalue(), unpacked


def seed(megabytes: float) -> tuple[list[int], dict]:
    session = db.session
    course = Course(code="bench", title="Bench 101", timezone="UTC")
    session.add(course)
    session.flush()
    assignment = Assignment(course_id=course.id, slug="gates", title="Gates", exercise="gates", points=10.0,
                            due_at=datetime.now(timezone.utc) + timedelta(days=7), published=True)
    ta = User(email="ta@bench.test", name="TA", password_hash=hash_password(PASSWORD))
    student = User(email="student@bench.test", name="Student", password_hash=hash_password(PASSWORD))
    session.add_all([assignment, ta, student])
    session.flush()
    session.add_all([Enrolment(course_id=course.id, user_id=ta.id, role=Role.TA),
                     Enrolment(course_id=course.id, user_id=student.id, role=Role.STUDENT)])
    facts, ids = {}, []
    odd_notebook = json.dumps({"cells": ["a string", {"cell_type": "code", "source": {"not": "text"}}, 5] * 2000})
    many = max(1, round(megabytes * 2**20 / SMALL_MEMBER))
    uploads = [(*zipped(megabytes, 50, 0), "big-files.zip"), (*zipped(megabytes, 50, 1), "big-files.zip"),
               (*zipped(megabytes, many, 0), "many-files.zip"), (*zipped(megabytes, many, 1), "many-files.zip"),
               (odd_notebook.encode(), len(odd_notebook), "odd.ipynb")]
    for attempt, (content, unpacked, filename) in enumerate(uploads, 1):
        row = Submission(assignment_id=assignment.id, user_id=student.id, attempt=attempt, filename=filename,
                         content=content, sha256=hashlib.sha256(content).hexdigest(), size=len(content),
                         status=SubmissionStatus.QUEUED)
        session.add(row)
        session.flush()
        ids.append(row.id)
        facts[row.id] = (filename, len(content), unpacked)
    session.commit()
    return ids, facts


@contextmanager
def database(folder: str, admin_url: str | None):
    """A SQLite file in `folder`, or a fresh PostgreSQL database on `admin_url`'s server, dropped after."""
    if not admin_url:
        yield f"sqlite:///{Path(folder) / 'grader.db'}"
        return
    name = f"bench_staff_page_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=50.0, help="unpacked size of each zip (default 50)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgresql", metavar="ADMIN_URL", default=None,
                        help="run on a fresh database of this PostgreSQL server (default: a SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-staff-page-") as folder, database(folder, args.postgresql) as url:
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "GRADING_SECRET": "bench",
                          "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False},
                         instance_path=str(Path(folder) / "instance"))
        with app.app_context():
            db.drop_all()
            db.create_all()
            ids, facts = seed(args.megabytes)
        client = app.test_client()
        assert client.post("/login", data={"email": "ta@bench.test", "password": PASSWORD}).status_code == 302
        print(f"database: {url.split(':')[0]}; {args.repeat} requests per page")
        print(f"{'page':<32}{'upload':>10}{'unpacked':>11}{'status':>8}{'HTML':>11}{'median s':>10}{'max s':>8}")
        for submission_id in (ids[1], ids[3], ids[4]):
            filename, size, unpacked = facts[submission_id]
            times, status, length = [], None, 0
            for _ in range(args.repeat):
                shown_source._parts.cache_clear()      # each request unpacks the upload, as a first view does
                started = time.perf_counter()
                response = client.get(f"/staff/submissions/{submission_id}")
                body = response.get_data()
                times.append(time.perf_counter() - started)
                status, length = response.status_code, len(body)
            label = f"attempt {submission_id} ({filename})"
            print(f"{label:<32}{size / 2**20:>8.1f}MB{unpacked / 2**20:>9.1f}MB{status:>8}{length / 2**20:>9.2f}MB"
                  f"{statistics.median(times):>10.3f}{max(times):>8.3f}")
        print("goal: under 1 s per page (median), whatever was uploaded")
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
