"""Dashboard page times at department scale: 1,000 students x 20 attempts x ~70 tests (1.4 M rows).

    python bench/dashboard.py                       # SQLite file in a temporary folder
    python bench/dashboard.py --database postgresql+psycopg://postgres@127.0.0.1:5432/bench
    python bench/dashboard.py --students 200 --attempts 5 --repeat 10     # a quick look

Seeds with bulk inserts (no grading: the rows are what grading would write), logs in as a TA and
prints p50/p95 wall time per dashboard page over --repeat requests. Goal: p95 < 200 ms.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import insert, select, text, update

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server import create_app, gradebook  # noqa: E402
from server.check_history import histories_from, verdicts_of  # noqa: E402
from server.dashboard.gradients import gradients_of  # noqa: E402
from server.dashboard.latest import functions_of  # noqa: E402
from server.extensions import db  # noqa: E402
from server.models import (Assignment, CheckHistory, Course, Enrolment, Result, Role, Submission, TestRow,  # noqa: E402
                           User)
from server.models.submissions import joined_gradients  # noqa: E402
from server.passwords import hash_password  # noqa: E402

PASSWORD = "bench password"
DUE = datetime(2026, 11, 20, 22, 0, tzinfo=timezone.utc)
FORWARD = [("forward", 2), ("dtype", 1), ("edge cases", 2), ("no input mutation", 1)]
BACKWARD = [("gradient", 2), ("dtype", 1), ("gradient edge cases", 1), ("no dout mutation", 1), ("cache reuse", 1)]
MISTAKES = ["dx_sign", "dx_not_summed", "db_wrong_axis", "dx_transposed", "dx_ignores_dout", "out_scaled"]


def checks_of(function: str) -> list[tuple[str, str]]:
    """(check, visibility) rows of one function: the main check public and hidden, the rest hidden."""
    rows = []
    for check, copies in (BACKWARD if function.endswith("_backward") else FORWARD):
        rows += [(check, "visible"), (check, "hidden")] if copies == 2 else [(check, "hidden")]
    return rows


def wrong_gradients(names: tuple[str, ...], rng: random.Random) -> str | None:
    """What a failed gradient row names: mostly one gradient, sometimes all of them."""
    return joined_gradients(names if rng.random() < 0.3 else (rng.choice(names),))


def seed(students: int, attempts: int, rng: random.Random) -> tuple[int, int, str]:
    """The class, written in bulk; returns (assignment id, a latest submission id, the TA's email)."""
    session = db.session
    course = Course(code="bench", title="Bench 101", timezone="Europe/Paris")
    session.add(course)
    session.flush()
    assignment = Assignment(course_id=course.id, slug="gates", title="Gates", exercise="gates", points=100.0,
                            due_at=DUE, published=True)
    session.add(assignment)
    ta = User(email="ta@bench.test", name="TA", password_hash=hash_password(PASSWORD))
    session.add(ta)
    session.flush()
    session.add(Enrolment(course_id=course.id, user_id=ta.id, role=Role.TA))
    functions = functions_of(assignment)
    layout = [(f, c, v) for f in functions for c, v in checks_of(f)]
    gradient_names = gradients_of(assignment)
    names_rng = random.Random(2)      # its own draws: the rest of the class is what it was before
    session.execute(insert(User), [{"email": f"s{i:04d}@bench.test", "name": f"Student {i:04d}",
                                    "password_hash": None, "is_admin": False, "session_version": 0,
                                    "created_at": DUE} for i in range(students)])
    user_ids = list(session.scalars(select(User.id).where(User.email.like("s%@bench.test")).order_by(User.id)))
    session.execute(insert(Enrolment), [{"course_id": course.id, "user_id": u, "role": Role.STUDENT,
                                         "created_at": DUE} for u in user_ids])
    next_submission = (session.scalar(select(db.func.max(Submission.id))) or 0) + 1
    next_result = (session.scalar(select(db.func.max(Result.id))) or 0) + 1
    started = time.perf_counter()
    for chunk_start in range(0, len(user_ids), 50):
        subs, results, tests = [], [], []
        for user_id in user_ids[chunk_start:chunk_start + 50]:
            skill = rng.uniform(0.3, 0.9)
            for attempt in range(1, attempts + 1):
                at = DUE - timedelta(minutes=rng.randint(-3 * 1440, 10 * 1440))
                late = max(0, -(-int((at - DUE).total_seconds()) // 86400))
                p = min(0.98, skill + 0.03 * attempt)
                rows, score = [], 0.0
                for position, (function, check, visibility) in enumerate(layout):
                    roll = rng.random()
                    status = "passed" if roll < p else "error" if roll < p + 0.02 else "failed"
                    mistake = rng.choice(MISTAKES) if status == "failed" and check == "gradient" else None
                    error = 10 ** rng.uniform(-15, -6) if status == "passed" else 10 ** rng.uniform(-5, 0)
                    named = (wrong_gradients(gradient_names[function], names_rng)
                             if status == "failed" and check.startswith("gradient") else None)
                    rows.append({"result_id": next_result, "submission_id": next_submission,
                                 "assignment_id": assignment.id, "position": position, "function": function,
                                 "check": check, "visibility": visibility, "status": status,
                                 "score": 1.0 if status == "passed" else 0.0, "max_score": 1.0, "mistake": mistake,
                                 "relative_error": error if check == "gradient" else None, "scale": None,
                                 "cosine": None, "hint": f"hint {mistake}" if mistake else None,
                                 "wrong_gradients": named})
                    score += rows[-1]["score"]
                subs.append({"id": next_submission, "assignment_id": assignment.id, "user_id": user_id,
                             "attempt": attempt, "filename": "gates.py", "content": b"def add_forward(x, y): ...\n",
                             "sha256": f"{next_submission:064x}", "size": 27, "submitted_at": at, "late_days": late,
                             "penalty_percent": 0.0, "via": "web", "status": "graded", "grading_attempts": 1,
                             "graded_at": at, "result_id": None})
                results.append({"id": next_result, "submission_id": next_submission, "raw_score": score,
                                "raw_max": float(len(layout)), "score": round(100 * score / len(layout), 4),
                                "max_score": 100.0, "seed": next_submission, "report_json": '{"tests": []}',
                                "grader_version": "bench", "seconds": 1.0, "created_at": at})
                tests += rows
                next_submission += 1
                next_result += 1
        session.execute(insert(Submission), subs)
        session.execute(insert(Result), results)
        session.execute(insert(TestRow), tests)
        # Every submission got the result numbered alongside it: one range UPDATE links them.
        first = subs[0]["id"]
        session.execute(update(Submission).where(Submission.id.between(first, subs[-1]["id"]))
                        .values(result_id=Submission.id + (results[0]["id"] - first)))
        # The per-student check summary, built by the same code the queue runs as each grade lands.
        found = verdicts_of(session, assignment.id, user_ids[chunk_start:chunk_start + 50])
        session.execute(insert(CheckHistory), histories_from(assignment.id, found))
        session.commit()
        print(f"\r  seeded {min(chunk_start + 50, len(user_ids))}/{len(user_ids)} students "
              f"({time.perf_counter() - started:.0f} s)", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    # Every student's latest graded submission, as the queue records it when a grade lands.
    session.execute(text("INSERT INTO latest_graded (assignment_id, user_id, submission_id) "
                         "SELECT assignment_id, user_id, max(id) FROM submissions WHERE status = 'graded' "
                         "AND result_id IS NOT NULL GROUP BY assignment_id, user_id"))
    # Every student's grade of record, as the queue stores it when a grade lands.
    gradebook.refresh(session, session.get(Assignment, assignment.id))
    session.commit()
    analyze()
    latest = session.scalar(select(db.func.max(Submission.id)).where(Submission.user_id == user_ids[0]))
    return assignment.id, latest, ta.email


def analyze() -> None:
    """Fresh planner statistics; on PostgreSQL also the visibility map, for index-only scans."""
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def pages(assignment_id: int, submission_id: int, mistake: str) -> dict[str, str]:
    a = f"/staff/assignments/{assignment_id}"
    return {"overview": f"{a}/dashboard", "overview, sorted by a function": f"{a}/dashboard?sort=mul_backward&dir=desc",
            "overview, failing filter, page 3": f"{a}/dashboard?fails=add_backward&page=3",
            "overview, search": f"{a}/dashboard?q=student%2000",
            "mistakes": f"{a}/mistakes", "attempts until it passes": f"{a}/progress",
            "students with a mistake": f"{a}/mistakes/{mistake}?function=mul_backward",
            "students with a wrong gradient": f"{a}/gradients/mul_backward/db",
            "submission detail": f"/staff/submissions/{submission_id}",
            "export canvas csv": f"{a}/export/canvas"}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="SQLAlchemy URL (default: a SQLite file in a temporary folder)")
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--attempts", type=int, default=20, help="attempts per student")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--keep", type=Path, help="SQLite: keep the seeded database in this folder and reuse it")
    parser.add_argument("--reuse", action="store_true", help="--database already holds a seeded class: time only")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="dashboard-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    url = args.database or f"sqlite:///{folder / 'bench.db'}"
    reuse = args.reuse or (args.keep is not None and (folder / "bench.db").exists() and not args.database)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "GRADING_SECRET": "bench",
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False},
                     instance_path=str(folder / "instance"))
    with app.app_context():
        started = time.perf_counter()
        if reuse:
            db.create_all()
            for table in db.metadata.sorted_tables:       # indexes added since the seeding
                for index in table.indexes:
                    index.create(db.engine, checkfirst=True)
            analyze()
            assignment_id = db.session.scalar(select(Assignment.id).where(Assignment.slug == "gates"))
            ta = "ta@bench.test"
            first = db.session.scalar(select(User.id).where(User.email == "s0000@bench.test"))
            submission_id = db.session.scalar(select(db.func.max(Submission.id)).where(Submission.user_id == first))
        else:
            db.drop_all()
            db.create_all()
            assignment_id, submission_id, ta = seed(args.students, args.attempts, random.Random(1))
        rows = db.session.scalar(select(db.func.count()).select_from(TestRow))
        print(f"seeded {args.students} students, {rows:,} test rows in {time.perf_counter() - started:.0f} s "
              f"on {db.engine.dialect.name}")
    client = app.test_client()
    client.post("/login", data={"email": ta, "password": PASSWORD})
    # Wall time is what a TA waits; CPU time (this process: Flask, SQLAlchemy and SQLite, which runs
    # in-process) is the page's own cost, steadier on a machine shared with other work.
    print(f"{'page':38} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'cpu p95':>8}")
    for name, url_ in pages(assignment_id, submission_id, "dx_sign").items():
        times, cpu = [], []
        client.get(url_)                                  # warm: templates compiled, pages cached
        for _ in range(args.repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url_)
            times.append(1000 * (time.perf_counter() - started))
            cpu.append(1000 * (time.process_time() - started_cpu))
            assert response.status_code == 200, (url_, response.status_code)
        print(f"{name:38} {percentile(times, 0.5):8.1f} {percentile(times, 0.95):8.1f} "
              f"{percentile(cpu, 0.5):8.1f} {percentile(cpu, 0.95):8.1f}")
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
