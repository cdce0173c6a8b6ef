"""`grade admin demo`: a made-up class, graded for real by `grade worker` processes through the queue."""
from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from server import create_app
from server.demo import cohort, material
from server.extensions import db
from server.models import (Assignment, Course, Enrolment, Result, Role, Submission, SubmissionStatus, TestRow,
                           User, utcnow)
from tests.server.conftest import POSTGRES_ADMIN_URL

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def without_docstring(source: str) -> str:
    tree = ast.parse(source)
    if isinstance(tree.body[0], ast.Expr) and isinstance(tree.body[0].value, ast.Constant):
        tree.body.pop(0)
    return ast.dump(tree)


@pytest.mark.parametrize("exercise", material.EXERCISES)
def test_the_shipped_material_rebuilds_every_corpus_file_it_came_from(exercise):
    manifest = json.loads((CORPUS / "manifest.json").read_text())["buggy"]
    base = (CORPUS / "correct" / f"{exercise}_vectorized.py").read_text()
    assert material.base(exercise) == base, "run python -m tests.server.make_demo_corpus"
    expected = {name[:-3] for name, entry in manifest.items() if entry.get("base") == f"correct/{exercise}_vectorized.py"}
    bugs = {bug.name: bug for bug in material.bugs(exercise)}
    assert set(bugs) == expected, "run python -m tests.server.make_demo_corpus"
    for name, bug in bugs.items():
        rebuilt = material.compose(exercise, bug.functions)
        assert without_docstring(rebuilt) == without_docstring((CORPUS / "buggy" / f"{name}.py").read_text()), name
        assert bug.mistake == manifest[f"{name}.py"]["mistake"]


def test_the_class_is_reproducible_and_looks_like_one():
    now = utcnow()
    plan = cohort.plan_class(code="c", students=120, max_attempts=6, seed=3, now=now)
    again = cohort.plan_class(code="c", students=120, max_attempts=6, seed=3, now=now)
    assert [(a.email, a.at, a.content) for a in plan.attempts] == [(a.email, a.at, a.content) for a in again.attempts]
    assert len({p.email for p in plan.people}) == len(plan.people) == 123
    gates, layers = plan.assignments
    assert gates.due_at < now < layers.due_at
    attempts = [a for a in plan.attempts if a.slug == "gates" and plan_role(plan, a.email) == "student"]
    assert all(a.at <= now for a in plan.attempts)
    # The rush: more submissions in the last day than in the week before it; some late, some fixed later.
    last_day = sum(gates.due_at - a.at < timedelta(days=1) and a.at <= gates.due_at for a in attempts)
    week_before = sum(timedelta(days=1) <= gates.due_at - a.at < timedelta(days=8) for a in attempts)
    assert last_day > week_before
    assert any(a.at > gates.due_at for a in attempts)
    by_student: dict[str, list] = {}
    for attempt in attempts:
        by_student.setdefault(attempt.email, []).append(attempt)
    improved = [s for s in by_student.values() if (s[0].bugs or s[0].unfinished) and not (s[-1].bugs or s[-1].unfinished)]
    stuck = [s for s in by_student.values() if s[-1].bugs]
    assert improved and stuck and len(by_student) < 120
    assert len({bug for a in attempts for bug in a.bugs}) >= 10


def plan_role(plan, email: str) -> str:
    return next(p.role for p in plan.people if p.email == email)


def run_demo(folder: Path, *options: str, database_url: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "GRADER_INSTANCE")}
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run([sys.executable, "-m", "grader.cli", "admin", "demo", "--students", "6", "--seed", "5",
                           *options], cwd=folder, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(params=["sqlite", "postgresql"])
def demo_database(request, tmp_path):
    """None for the instance folder's SQLite file, or a PostgreSQL database made for this test."""
    if request.param == "sqlite":
        yield None
        return
    name = f"grader_demo_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def open_instance(folder: Path, database_url: str | None):
    config = {"DATABASE_URL": database_url} if database_url else {}
    return create_app(config, instance_path=str(folder / "instance"))


def has_mistakes(submission: Submission) -> bool:
    """Whether the stored code differs from the correct base in some function (a mistake, or one
    left unfinished)."""
    source = submission.content.decode()
    if source.lstrip().startswith("{"):
        source = "\n".join(cell["source"] for cell in json.loads(source)["cells"] if cell["cell_type"] == "code"
                           and not cell["source"].startswith("%"))
    correct = {node.name: ast.dump(node) for node in ast.parse(material.base(submission.assignment.exercise)).body
               if isinstance(node, ast.FunctionDef)}
    return any(isinstance(node, ast.FunctionDef) and ast.dump(node) != correct[node.name]
               for node in ast.parse(source).body)


@pytest.mark.slow
def test_grade_admin_demo_grades_every_submission_once_through_the_queue(tmp_path, demo_database):
    done = run_demo(tmp_path, "--workers", "2", database_url=demo_database)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "graded" in done.stderr and "about" in done.stdout        # progress, and the first estimate
    app = open_instance(tmp_path, demo_database)
    with app.app_context():
        try:
            check_the_class(done.stdout)
        finally:
            db.session.remove()
            db.engine.dispose()


def check_the_class(printed: str) -> None:
    course = db.session.scalar(select(Course).where(Course.code == "bp-demo"))
    roles = dict(db.session.execute(select(Enrolment.role, func.count()).where(Enrolment.course_id == course.id)
                                    .group_by(Enrolment.role)).all())
    assert roles == {Role.STUDENT: 6, Role.TA: 2, Role.INSTRUCTOR: 1}
    gates, layers = db.session.scalars(select(Assignment).where(Assignment.course_id == course.id)
                                       .order_by(Assignment.due_at)).all()
    assert gates.due_at < utcnow() < layers.due_at
    submissions = db.session.scalars(select(Submission).join(Assignment)
                                     .where(Assignment.course_id == course.id)).all()
    assert len(submissions) >= 6
    assert {s.status for s in submissions} == {SubmissionStatus.GRADED}
    assert all(s.result_id is not None for s in submissions)
    # Graded exactly once each: one result per submission (a failure of ours is retried, never kept).
    per_submission = db.session.execute(select(Result.submission_id, func.count()).group_by(Result.submission_id)
                                        .where(Result.submission_id.in_([s.id for s in submissions]))).all()
    assert sorted(per_submission) == sorted((s.id, 1) for s in submissions)
    assert all(s.submitted_at < utcnow() for s in submissions)

    buggy = [s for s in submissions if has_mistakes(s)]
    correct = [s for s in submissions if not has_mistakes(s)]
    assert buggy and correct
    for submission in buggy:
        result = submission.result
        assert result.raw_score < result.raw_max, submission.id
        mistakes = db.session.scalars(select(TestRow.mistake).where(TestRow.result_id == result.id,
                                                                    TestRow.mistake.is_not(None))).all()
        assert mistakes, submission.id
    for submission in correct:
        assert submission.result.raw_score == submission.result.raw_max, submission.id
    instructor = db.session.scalar(select(User).join(Enrolment).where(Enrolment.role == Role.INSTRUCTOR,
                                                                      Enrolment.course_id == course.id))
    assert instructor.email in printed and "with password" in printed
    assert f"/staff/assignments/{gates.id}/dashboard" in printed


@pytest.mark.slow
def test_a_second_demo_fails_clearly_unless_it_replaces_the_first(tmp_path):
    first = run_demo(tmp_path, "--no-wait")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "queued" in first.stdout and "grade serve" in first.stdout
    app = open_instance(tmp_path, None)

    def snapshot():
        with app.app_context():
            course = db.session.scalar(select(Course).where(Course.code == "bp-demo"))
            count = db.session.scalar(select(func.count()).select_from(Submission).join(Assignment)
                                      .where(Assignment.course_id == course.id))
            users = db.session.scalar(select(func.count()).select_from(User))
            made = course.created_at
            db.session.remove()
            db.engine.dispose()
            return made, count, users

    before = snapshot()
    again = run_demo(tmp_path, "--no-wait")
    assert again.returncode == 1
    assert "exists already" in again.stderr and "--replace" in again.stderr and "Traceback" not in again.stderr
    assert snapshot() == before

    replaced = run_demo(tmp_path, "--no-wait", "--replace")
    assert replaced.returncode == 0, replaced.stdout + replaced.stderr
    after = snapshot()
    assert after[0] > before[0] and after[2] == before[2]        # a new course, the same people, no duplicates
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == after[1]   # the old ones are gone
        db.session.remove()
        db.engine.dispose()


def test_the_first_estimate_is_near_what_the_workers_do_now():
    from server.demo import progress
    # bench/README: the 1,000-submission burst is graded in about 80 s by 2 workers.
    assert 40 <= progress.estimate_seconds(1000, 2) <= 160
    assert progress.minutes(progress.estimate_seconds(300, 2)) == "22 s"
