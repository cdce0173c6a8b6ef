"""How long grading takes: a full correct submission of each assignment, and the worker's costs.

Run: python bench/grade_time.py [--repeat N]
Prints the median wall-clock time of `grade()` per assignment with the sandbox (namespaces,
private root, seccomp, limits) and without it (a plain forked worker), the time from "start
grading" to "first call answered" for a worker forked from the zygote, and the per-call round trip.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.engine import grade  # noqa: E402
from grader.runner.calls import Call  # noqa: E402
from grader.runner.process import ProcessRunner  # noqa: E402

SUBMISSIONS = {"gates": ROOT / "reference/gates/gates.py", "layers": ROOT / "reference/layers/layers.py"}


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat

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
