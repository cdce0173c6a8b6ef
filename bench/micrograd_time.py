"""How long grading a micrograd engine takes, warm (the zygote running, as a queue worker has it).

Run: python bench/micrograd_time.py [--repeat N]
Prints the median wall-clock time of a full grade (public and hidden programs, the 1500-operation
chain, the network step) of each correct engine of tests/corpus_micrograd, sandboxed, and of
buggy engines, whose grade also cuts the failing program down in the worker (several round trips).
The goal (issue 17): a correct engine under ~2 s.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.engine import grade  # noqa: E402

CORPUS = ROOT / "tests" / "corpus_micrograd"


def median_seconds(path: Path, repeat: int) -> tuple[float, float, float]:
    times = []
    for seed in range(repeat):
        started = time.perf_counter()
        report = grade(path, assignment="micrograd", seed=seed + 1, course=ROOT)
        times.append(time.perf_counter() - started)
    return statistics.median(times), report.score, report.max_score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as folder:
        submission = Path(folder) / "micrograd.py"
        shutil.copy(CORPUS / "correct" / "iterative_topo.py", submission)
        grade(submission, assignment="micrograd", seed=1, course=ROOT)     # the zygote starts once
        for kind in ("correct", "buggy"):
            for path in sorted((CORPUS / kind).glob("*.py")):
                shutil.copy(path, submission)
                seconds, score, possible = median_seconds(submission, repeat)
                print(f"{kind:7s} {path.stem:22s} {seconds * 1000:7.0f} ms   ({score:g}/{possible:g})")


if __name__ == "__main__":
    main()
