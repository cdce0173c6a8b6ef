"""How long grading takes: a full correct submission of each assignment, and the worker's costs.

Run: python bench/grade_time.py [--repeat N] [--searches]
Prints the median wall-clock time of `grade()` per assignment with the sandbox (namespaces,
private root, seccomp, limits) and without it (a plain forked worker), the time from "start
grading" to "first call answered" for a worker forked from the zygote, and the per-call round trip.

`--searches` grades instead every file of the held-out corpus (single-bug files from real students'
code) and prints what a wrong submission costs: the time per grade (median, 90th percentile, worst)
and the share of it spent searching for a diagnosis (one change of the reference,
grader/diagnosis/one_change.py, and a fix proven on the student's own code, grader/checks/code_fixes.py,
which also runs where the code raised), with the slowest files named.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.hint_share import graded  # noqa: E402
from grader.checks import code_fixes  # noqa: E402
from grader.diagnosis import one_change  # noqa: E402
from grader.engine import grade  # noqa: E402
from grader.runner.calls import Call  # noqa: E402
from grader.runner.process import ProcessRunner  # noqa: E402

HELD_OUT = ROOT / "tests" / "corpus_held_out"
SUBMISSIONS = {"gates": ROOT / "reference/gates/gates.py", "layers": ROOT / "reference/layers/layers.py"}


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


class SearchClock:
    """Wall-clock time spent inside the diagnosis searches, patched in around their entry points
    (the checks call them through their modules, so the patch is seen). A search called inside
    another is counted once."""

    ENTRY_POINTS = ((code_fixes, "explain"), (code_fixes, "explain_error"), (one_change, "explain"))

    def __init__(self):
        self.seconds = 0.0
        self._depth = 0
        self._originals = []

    def __enter__(self):
        for module, name in self.ENTRY_POINTS:
            original = getattr(module, name)
            self._originals.append((module, name, original))
            setattr(module, name, self._timed(original))
        return self

    def __exit__(self, *exc):
        for module, name, original in self._originals:
            setattr(module, name, original)

    def _timed(self, function):
        def timed(*args, **kwargs):
            self._depth += 1
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self.seconds += time.perf_counter() - started
        return timed


def search_costs() -> None:
    """Every held-out file graded once at seed 1, as hint_share grades it."""
    manifest = json.loads((HELD_OUT / "manifest.json").read_text())["buggy"]
    rows = []
    for name, expected in sorted(manifest.items()):
        with SearchClock() as clock:
            started = time.perf_counter()
            graded(HELD_OUT / "buggy" / name, expected["assignment"], 1, whole=False)
            seconds = time.perf_counter() - started
        rows.append((seconds, clock.seconds, name))
    times = sorted(seconds for seconds, _, _ in rows)
    searching = sum(search for _, search, _ in rows)
    total = sum(times)
    searched = sum(1 for _, search, _ in rows if search > 0)

    def at(share: float) -> float:
        return times[min(len(times) - 1, int(share * len(times)))]

    print(f"held-out corpus: {len(rows)} wrong submissions graded, {total:.0f} s in all")
    print(f"per grade: median {at(0.5):.2f} s, 90th percentile {at(0.9):.2f} s, worst {times[-1]:.2f} s")
    print(f"searching for a diagnosis: {searching:.0f} s of {total:.0f} s ({searching / total:.0%}), "
          f"in {searched} of {len(rows)} grades")
    print("slowest:")
    for seconds, search, name in sorted(rows, reverse=True)[:5]:
        print(f"  {seconds:6.2f} s ({search:5.2f} s searching)  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--searches", action="store_true",
                        help="grade the held-out corpus and print what the diagnosis searches cost")
    options = parser.parse_args()
    if options.searches:
        search_costs()
        return
    repeat = options.repeat

    total = 0.0
    for name, path in SUBMISSIONS.items():
        report = grade(path)
        assert report.score == report.max_score, f"reference {name} did not get full marks"
        seconds = median_seconds(lambda: grade(path), repeat)
        plain = median_seconds(lambda: grade(path, allow_unsandboxed=True, runner_options={"sandbox": False}),
                               repeat)
        total += seconds
        print(f"grade {name:7s} ({len(report.tests)} checks): {seconds * 1000:7.1f} ms sandboxed, "
              f"{plain * 1000:7.1f} ms without the sandbox")
    print(f"both assignments: {total * 1000:.1f} ms")

    path = SUBMISSIONS["layers"]

    def start_and_first_call():
        with ProcessRunner(path) as runner:
            runner.run([Call("relu_forward", (np.ones((4, 5)),), want=(0,))])
    start_and_first_call()   # the zygote itself starts once per grader process
    print(f"start worker from the zygote + import + first call answered: "
          f"{median_seconds(start_and_first_call, max(repeat, 20)) * 1000:.1f} ms")

    with ProcessRunner(path) as runner:
        x = np.random.default_rng(0).normal(size=(64, 100))
        call = [Call("relu_forward", (x,), want=(0,))]
        runner.run(call)
        n = 2000
        started = time.perf_counter()
        for _ in range(n):
            runner.run(call)
        print(f"round trip of one call on a (64, 100) array: {(time.perf_counter() - started) / n * 1e6:.0f} us")
        batch = call * 50
        started = time.perf_counter()
        for _ in range(100):
            runner.run(batch)
        print(f"per call inside a batch of 50: {(time.perf_counter() - started) / 5000 * 1e6:.0f} us")


if __name__ == "__main__":
    main()
