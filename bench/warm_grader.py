"""A warm grading process for goal 1, apart from the bench's own (which runs nbclient in-process:
its ZMQ and event-loop threads, and the larger heap every garbage collection walks, would tax our
grades, and a queue worker has none of them).

    python bench/warm_grader.py FILE.py      # grades FILE once (the warm-up), prints "ready", then
                                             # grades it again for each line read, printing seconds
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grader import grade  # noqa: E402


def main() -> None:
    path = Path(sys.argv[1])
    report = grade(path, seed=1)                       # starts the zygote
    assert report.score == report.max_score, "the reference did not get full marks"
    print(f"ready {len(report.tests)}", flush=True)
    for _ in sys.stdin:
        started = time.perf_counter()
        grade(path, seed=1)
        print(time.perf_counter() - started, flush=True)


if __name__ == "__main__":
    main()
