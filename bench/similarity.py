"""Similarity at class scale: 600 students' layers.py, each made of real implementations.

    python bench/similarity.py                       # 600 students, SQLite file in a temporary folder
    python bench/similarity.py --students 200 --engine-only
    python bench/similarity.py --database postgresql+psycopg://postgres@127.0.0.1:5432/bench

Each student's file takes every function from one of the implementations we have (the reference,
tests/corpus/correct/ in several styles, the corpus's buggy variants, or the unfinished stub), with
the student's own names for the variables, their own comments or none, and sometimes notebook-style
experiments at the end. A few students hand in a copy of another's file with variables renamed,
comments rewritten and the functions re-indented: those pairs are planted and must come out on top.

Prints the time to fingerprint and score the class (the engine), then, unless --engine-only, the
whole background task (read the latest submissions, score, store the pairs) on the database, and
how many pairs the page would list at each threshold.
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server import check_history  # noqa: E402
from server.dashboard.similarity import find_similar, normalize  # noqa: E402

FUNCTIONS = ["affine_forward", "affine_backward", "relu_forward", "relu_backward", "sigmoid_forward",
             "sigmoid_backward", "softmax_loss", "batchnorm_forward", "batchnorm_backward"]
NAMES = {"dout": ["dout", "d_out", "upstream", "grad_out", "g"], "cache": ["cache", "saved", "ctx", "stash"],
         "x_flat": ["x_flat", "xf", "x2d", "X", "flat"], "dx": ["dx", "dX", "grad_x"], "out": ["out", "y_out", "res"]}
COMMENTS = ["# chain rule", "# TODO check shapes", "# local gradient times upstream", "# sum over the batch",
            "# see lecture 4", "# works!", "# vectorised", "# careful with broadcasting"]
EXPERIMENT = """
x = np.random.randn(4, 5)
w = np.random.randn(5, 3)
b = np.random.randn(3)
out, cache = affine_forward(x, w, b)
print(out.shape)
"""


def implementations() -> dict[str, list[str]]:
    """function -> the source of each implementation of it we have (reference, corpus, stub)."""
    files = [ROOT / "reference/layers/layers.py", *sorted((ROOT / "tests/corpus/correct").glob("layers_*.py")),
             *sorted((ROOT / "tests/corpus/buggy").glob("layers_*.py"))]
    pool: dict[str, list[str]] = {name: [] for name in FUNCTIONS}
    for file in files:
        text = file.read_text()
        for node in ast.parse(text).body:
            if isinstance(node, ast.FunctionDef) and node.name in pool:
                segment = ast.get_source_segment(text, node)
                if segment not in pool[node.name]:
                    pool[node.name].append(segment)
    stub = (ROOT / "exercises/layers/layers.py").read_text()
    stubs = {node.name: ast.get_source_segment(stub, node) for node in ast.parse(stub).body
             if isinstance(node, ast.FunctionDef)}
    return {name: variants + [stubs[name]] * max(1, len(variants) // 6) for name, variants in pool.items()}


def restyle(source: str, rng: random.Random) -> str:
    """The same code as another student would write it down: their names, comments and indent."""
    for name, choices in NAMES.items():
        source = re.sub(rf"\b{name}\b", rng.choice(choices), source)
    comment = rng.random()
    lines = []
    for line in source.splitlines():
        code, hashmark, _ = line.partition("#")
        if hashmark and comment < 0.4:
            line = code.rstrip()
        elif hashmark and comment < 0.7:
            line = f"{code.rstrip()}  {rng.choice(COMMENTS)}" if code.strip() else code + rng.choice(COMMENTS)
        if line.strip() or rng.random() < 0.8:
            lines.append(line)
        if line.strip() and rng.random() < 0.03:
            lines.append(" " * (len(line) - len(line.lstrip())) + rng.choice(COMMENTS))
    if rng.random() < 0.3:
        lines = [re.sub(r"^( +)", lambda m: " " * (len(m.group(1)) // 2), line) for line in lines]
    return "\n".join(lines)


def make_class(n: int, seed: int = 1, planted: int = 6) -> tuple[list[str], list[tuple[int, int]]]:
    """n students' files, and the (original, copy) index pairs planted among them."""
    rng = random.Random(seed)
    pool = implementations()
    files = []
    for _ in range(n):
        parts = ['"""My layers."""' if rng.random() < 0.5 else "", "import numpy as np", ""]
        parts += [restyle(rng.choice(pool[name]), rng) + "\n" for name in FUNCTIONS]
        if rng.random() < 0.25:
            parts.append(EXPERIMENT)
        files.append("\n\n".join(parts))
    pairs = []
    for original, copy in zip(rng.sample(range(n), planted), rng.sample(range(n), planted)):
        if original != copy and all(copy not in p for p in pairs) and all(original != p[1] for p in pairs):
            files[copy] = restyle(files[original], rng)
            pairs.append((original, copy))
    return files, pairs


def stubs() -> list[str]:
    from grader.loading import load_submission
    folder = ROOT / "exercises/layers"
    with tempfile.TemporaryDirectory() as work:
        notebook = load_submission(folder / "layers.ipynb", Path(work)).source.decode()
    return [(folder / "layers.py").read_text(), (folder / "lesson.py").read_text(), notebook]


def bench_engine(files: list[str], planted: list[tuple[int, int]]) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    outcome = find_similar([normalize(f) for f in files], stubs())
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    found = {(m.a, m.b): m for m in outcome.matches}
    print(f"engine: {len(files)} files ({sum(map(len, files)) / len(files) / 1024:.1f} KiB, "
          f"{sum(f.count(chr(10)) for f in files) / len(files):.0f} lines each): {seconds:.1f} s wall, {cpu:.1f} s CPU; "
          f"{outcome.candidates} of {len(files) * (len(files) - 1) // 2} pairs shared enough fingerprints to be scored; "
          f"{outcome.common} fingerprints set aside as common")
    for threshold in (0.3, 0.5, 0.7, 0.9):
        print(f"  pairs >= {threshold:.0%}: {sum(m.similarity >= threshold for m in outcome.matches)}")
    ranks = {pair: rank for rank, pair in enumerate((m.a, m.b) for m in outcome.matches)}
    for original, copy in planted:
        pair = (min(original, copy), max(original, copy))
        match = found.get(pair)
        print(f"  planted {pair}: " + (f"rank {ranks[pair] + 1}, {match.similarity:.0%}" if match else "NOT FOUND"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engine-only", action="store_true")
    parser.add_argument("--database", help="a SQLAlchemy URL (default: a SQLite file in a temporary folder)")
    args = parser.parse_args()
    files, planted = make_class(args.students, args.seed)
    bench_engine(files, planted)
    if not args.engine_only:
        bench_task(files, args.database)


def bench_task(files: list[str], database: str | None) -> None:
    """The background task end to end: submissions in the database -> stored pairs."""
    from sqlalchemy import func, insert, select

    from server import create_app
    from server.dashboard import similarity_runs
    from server.extensions import db
    from server.models import (Assignment, Course, Enrolment, Result, Role, SimilarityPair, Submission,
                               SubmissionStatus, User, utcnow)
    with tempfile.TemporaryDirectory() as folder:
        url = database or f"sqlite:///{folder}/bench.db"
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "GRADING_SECRET": "bench",
                          "QUEUE_IMMEDIATE": False}, instance_path=f"{folder}/instance")
        with app.app_context():
            db.drop_all()
            db.create_all()
            course = Course(code="bench", title="Bench")
            db.session.add(course)
            db.session.flush()
            assignment = Assignment(course_id=course.id, slug="layers", exercise="layers", title="Layers",
                                    points=10.0, due_at=utcnow(), published=True)
            db.session.add(assignment)
            db.session.flush()
            users = [{"email": f"s{i}@bench.test", "name": f"Student {i}", "password_hash": "x"} for i in range(len(files))]
            db.session.execute(insert(User), users)
            ids = db.session.scalars(select(User.id).order_by(User.id)).all()
            db.session.execute(insert(Enrolment), [{"course_id": course.id, "user_id": u, "role": Role.STUDENT}
                                                   for u in ids])
            db.session.execute(insert(Submission), [
                {"assignment_id": assignment.id, "user_id": u, "attempt": 1, "filename": "layers.py",
                 "content": f.encode(), "sha256": hashlib.sha256(f.encode()).hexdigest(), "size": len(f),
                 "status": SubmissionStatus.GRADED} for u, f in zip(ids, files)])
            for sid in db.session.scalars(select(Submission.id)).all():
                result = Result(submission_id=sid, raw_score=1, raw_max=1, score=10, max_score=10, report_json="{}")
                db.session.add(result)
                db.session.flush()
                db.session.get(Submission, sid).result_id = result.id
            db.session.flush()
            for u in ids:                         # as the queue does when a grade lands
                check_history.refresh(db.session, assignment.id, u)
            db.session.commit()
            actor = db.session.get(User, ids[0])
            run, send = similarity_runs.request(db.session, assignment, actor)
            started, cpu = time.perf_counter(), time.process_time()
            outcome = similarity_runs.process(db.session, run.id, lease_seconds=600)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            stored = db.session.scalar(select(func.count()).select_from(SimilarityPair))
            print(f"task on {db.engine.dialect.name}: {seconds:.1f} s wall, {cpu:.1f} s CPU ({outcome}), {stored} pairs stored")
            started = time.perf_counter()
            done = similarity_runs.last_done(db.session, assignment)
            for _ in range(20):
                similarity_runs.top_pairs(db.session, done, minimum=0.5, page=1)
                similarity_runs.threshold_counts(db.session, done)
                db.session.rollback()
            print(f"  the list page's queries: {(time.perf_counter() - started) / 20 * 1000:.1f} ms")
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


if __name__ == "__main__":
    main()
