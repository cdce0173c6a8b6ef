"""Goals 1-3 and the grader's memory: our grading beside the alternatives, measured in one run.

Each function returns plain figures (seconds, counts); bench/run.py turns them into the table.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.runner import protocol  # noqa: E402
from grader.runner.process import ProcessRunner  # noqa: E402

REFERENCE_FILES = [ROOT / "reference/gates/gates.py", ROOT / "reference/layers/layers.py"]


def full_submission(folder: Path) -> dict[str, Path]:
    """The reference code of both assignments as one .py and as a notebook (a cell per file)."""
    sources = [path.read_text() for path in REFERENCE_FILES]
    py = folder / "full.py"
    py.write_text("\n\n".join(sources))
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    ipynb = folder / "full.ipynb"
    nbformat.write(notebook, ipynb)
    return {"py": py, "ipynb": ipynb}


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def interleaved_medians(actions: dict, repeat: int) -> dict[str, float]:
    """Median seconds of each action, run in turn so that load on the machine hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(repeat):
        for name, action in actions.items():
            times[name].append(timed(action))
    return {name: statistics.median(values) for name, values in times.items()}


@contextmanager
def counting_calls():
    """Count, in this process, what crosses every ProcessRunner's pipes: the messages asking the
    worker to run calls (one per plan or unplanned batch, and per replayed batch), the calls they
    carry (by function), and the replies read back (one per call answered)."""
    counts = {"messages": 0, "replies": 0, "calls": Counter()}
    send, read = ProcessRunner._send, protocol.Reader.read_message

    def counted_send(self, header, buffers):
        if header.get("op") == "run":
            counts["messages"] += 1
            counts["calls"].update(step["fn"] for step in header["steps"])
        return send(self, header, buffers)

    def counted_read(self, deadline=None):
        message = read(self, deadline)
        counts["replies"] += 1
        return message
    ProcessRunner._send, protocol.Reader.read_message = counted_send, counted_read
    try:
        yield counts
    finally:
        ProcessRunner._send, protocol.Reader.read_message = send, read


def execute_notebook(path: Path) -> None:
    """What a notebook-executing autograder does first: start a kernel and run every cell."""
    from nbclient import NotebookClient
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
                   ).execute()


def warm_grade(repeat: int) -> dict:
    """Goal 1: a warm, sandboxed grade of the full submission (hidden checks) vs nbclient.

    Our grades run in a process of their own (bench/warm_grader.py), as in a queue worker: this one
    runs nbclient, whose threads and heap would tax them. The two still take turns, so that the
    machine's load hits both alike; what crosses the pipes is counted here, on one grade."""
    from grader import grade
    with tempfile.TemporaryDirectory(prefix="bench-warm-") as folder:
        files = full_submission(Path(folder))
        with counting_calls() as counts:
            report = grade(files["py"], seed=1)
        assert report.score == report.max_score, "the reference did not get full marks"
        grader = subprocess.Popen([sys.executable, str(ROOT / "bench/warm_grader.py"), str(files["py"])],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        try:
            assert grader.stdout.readline().startswith("ready"), "the warm grading process did not start"

            def ours() -> None:
                grader.stdin.write("grade\n")
                grader.stdin.flush()
                float(grader.stdout.readline())      # the grade's own time is measured here, around it

            execute_notebook(files["ipynb"])            # the kernel's first start compiles caches
            medians = interleaved_medians({"ours": ours, "nbclient": lambda: execute_notebook(files["ipynb"])},
                                          repeat)
        finally:
            grader.stdin.close()
            grader.wait(timeout=60)
    return {**medians, "checks": len(report.tests), "messages": counts["messages"],
            "replies": counts["replies"], "calls": sum(counts["calls"].values())}


def cold_check(repeat: int) -> dict:
    """Goal 2: `grade check` in a fresh process (.py and .ipynb) vs `python -c "import numpy"`."""
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as folder:
        files = full_submission(Path(folder))
        # Both sides as a student has them: pip byte-compiles what it installs (numpy's .pyc files
        # are there), so the grader's are too, written by the warm-up below to a cache of the bench's
        # own. Without this an environment with PYTHONDONTWRITEBYTECODE compiles every module of the
        # grader on every run (about as long as importing numpy).
        env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "pycache")

        def run(*argv):
            done = subprocess.run(argv, capture_output=True, cwd=ROOT, env=env)
            if done.returncode not in (0,):
                raise RuntimeError(f"{' '.join(map(str, argv))} exited {done.returncode}: {done.stderr[-2000:]!r}")
        grade = [sys.executable, "-m", "grader.cli", "check"]
        actions = {"numpy": lambda: run(sys.executable, "-c", "import numpy"),
                   "py": lambda: run(*grade, str(files["py"]), "--seed", "1"),
                   "ipynb": lambda: run(*grade, str(files["ipynb"]), "--seed", "1")}
        for action in actions.values():
            action()                                     # the page cache, .pyc files
        return interleaved_medians(actions, repeat)


# -- goal 3: calls of the student's forward ----------------------------------------------------

LARGE_CONFIGS = {     # exercise: [(label, config)], the shapes as (N, D, M) for affine
    "affine": [("(64, 100, 50)", {"N": 64, "dims": [100], "M": 50}),
               ("(256, 512, 256)", {"N": 256, "dims": [512], "M": 256})],
    "relu": [("(64, 100)", {"x": [64, 100]}), ("(256, 512)", {"x": [256, 512]})],
    "sigmoid": [("(64, 100)", {"x": [64, 100]}), ("(256, 512)", {"x": [256, 512]})],
    "batchnorm": [("(64, 100)", {"N": 64, "D": 100}), ("(256, 512)", {"N": 256, "D": 512})],
    "softmax": [("(64, 100)", {"N": 64, "C": 100}), ("(256, 512)", {"N": 256, "C": 512})],
}


def forward_calls(smoke: bool) -> list[dict]:
    """Our gradient check on the reference at the issue's shapes, its forward calls counted (and the
    most it makes, for a wrong forward), beside the count of CS231n's full elementwise check on the
    same inputs (computed: 2 per element)."""
    from grader.cases import build_case
    from grader.checks.common import Context
    from grader.checks.gradients import _probe_calls, check_case
    from grader.course import find_course
    from grader.oracle import oracle_for
    from cs231n_check import calls_of_full_check, check_file

    course = find_course()
    oracle = oracle_for(["layers"], course)
    by_name = {ex.name: ex for ex in course.catalogue()["layers"]}
    rows = []
    with ProcessRunner(REFERENCE_FILES[1]) as runner, counting_calls() as counts:
        for name, configs in LARGE_CONFIGS.items():
            exercise = by_name[name]
            for label, config in configs:
                case = build_case(exercise, config, 7, "bench", oracle)
                before = counts["calls"][exercise.forward]
                finding = check_case(Context(runner, oracle, exercise), case)
                ours = counts["calls"][exercise.forward] - before
                theirs = calls_of_full_check({n: a.shape for n, a in case.arrays.items()})
                # A wrong forward whose gradient misses the reference's is also probed at x +- h*u.
                worst = ours + len(_probe_calls(case)[0])
                row = {"function": exercise.forward, "shape": label, "ours": ours, "ours_wrong_forward": worst,
                       "cs231n": theirs, "passed": finding.passed}
                if label == "(64, 100, 50)" and not smoke:       # and really run theirs once, for its time
                    started = time.perf_counter()
                    verdict = check_file(REFERENCE_FILES[1], [exercise], lambda _ex: [case], oracle)
                    row["cs231n_seconds"] = time.perf_counter() - started
                    row["cs231n_counted"] = verdict.forward_calls
                rows.append(row)
    return rows


def corpus_verdicts(limit: int | None = None) -> dict:
    """Our grade and the CS231n-style checker on every buggy (and correct) corpus file, on the
    public cases: which functions each flags."""
    from grader import grade
    from grader.cases import public_cases
    from grader.course import find_course
    from grader.oracle import oracle_for
    from cs231n_check import check_file

    course = find_course()
    ASSIGNMENTS = course.catalogue().assignments
    corpus = ROOT / "tests/corpus"
    manifest = json.loads((corpus / "manifest.json").read_text())["buggy"]
    oracles = {a: oracle_for([a], course) for a in ASSIGNMENTS}
    files = [(corpus / "buggy" / name, entry["assignment"]) for name, entry in sorted(manifest.items())]
    files += [(path, path.name.split("_")[0]) for path in sorted((corpus / "correct").glob("*.py"))]
    if limit is not None:
        files = files[:limit] + [f for f in files if "correct" in f[0].parts][:1]
    rows = []
    for path, assignment in files:
        exercises = list(ASSIGNMENTS[assignment])
        oracle = oracles[assignment]
        cases = {ex.name: public_cases(ex, oracle, course.exercises_dir) for ex in exercises}
        theirs = check_file(path, exercises, lambda ex: cases[ex.name].main + cases[ex.name].edge, oracle)
        report = grade(path, assignment=assignment, seed=3)
        ours = {t.function for t in report.tests if t.status != "passed"}
        ours_gradient = {t.function for t in report.tests if t.status != "passed" and "gradient" in t.check}
        rows.append({"file": path.name, "correct": "correct" in path.parts, "ours": ours,
                     "ours_gradient": ours_gradient, "cs231n": theirs.flagged, "cs231n_errors": theirs.errors,
                     "expected": set(manifest.get(path.name, {}).get("flagged", []))})
    return {"rows": rows}


# -- memory of the grader over many grades -----------------------------------------------------

def rss_over_grades(small: int, large: int) -> dict:
    """VmRSS of one fresh grading process after `small` and after `large` grades (in a subprocess)."""
    code = f"""
import sys, json
sys.path.insert(0, {str(ROOT)!r})
from grader import grade
def rss():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) * 1024
files = {[str(p) for p in REFERENCE_FILES]!r}
marks = {{}}
for i in range(1, {large} + 1):
    grade(files[i % 2], seed=i)
    if i in ({small}, {large}):
        marks[i] = rss()
print(json.dumps(marks))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    marks = json.loads(done.stdout.strip().splitlines()[-1])
    return {"small": small, "large": large, "rss_small": marks[str(small)], "rss_large": marks[str(large)]}
