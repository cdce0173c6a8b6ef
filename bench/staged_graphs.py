"""How long a staged graph takes to grade, and where the time goes: tracing the forward (public and
hidden), the true gradients, and the node calls in the sandboxed worker (one round trip per node).

    python bench/staged_graphs.py [--repeat 5]

Prints medians per assignment: the whole grade (public and hidden, sandboxed) of the reference,
the trace, and the per-node cost. Read the figures, not a pass/fail: this machine is shared.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

from grader.course import Course
from grader.engine import grade
from grader.results import Visibility

ROOT = Path(__file__).resolve().parents[1]


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    catalogue = Course(ROOT).catalogue()
    print(f"{'assignment':<18} {'nodes':>5} {'grade (s)':>10} {'trace (ms)':>11} {'gradients (ms)':>15} {'per node (ms)':>14}")
    for assignment in ("ninja", "sigmoid_neuron", "staged_batchnorm"):
        kind = catalogue[assignment][0]
        reference = ROOT / "reference" / assignment / f"{assignment}.py"
        whole = median_seconds(lambda: grade(reference, assignment=assignment, course=ROOT, seed=1), repeat)
        trace = median_seconds(lambda: kind.graph(Visibility.HIDDEN, 1), repeat)
        graph = kind.graph()
        gradients = median_seconds(lambda: graph.gradients(kind.root_gradient(graph, Visibility.VISIBLE, 0)), repeat)
        nodes = len(kind.nodes)
        print(f"{assignment:<18} {nodes:>5} {whole:>10.3f} {1000 * trace:>11.2f} {1000 * gradients:>15.2f} "
              f"{1000 * whole / (2 * nodes):>14.2f}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in np.round(__import__('os').getloadavg(), 2))}")


if __name__ == "__main__":
    main()
