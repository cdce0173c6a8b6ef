"""The worker's autograd interpreter (grader/runner/autograd_programs.py), served as a trusted helper
step: it runs a program with the submission's class inside the worker and returns numbers only,
with the student's exception described like any call's; it imports nothing of the grader."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from grader.micrograd.programs import Op, Program
from grader.runner import autograd_programs
from grader.runner.calls import Call
from grader.runner.process import ProcessRunner

RUNNER = Path(autograd_programs.__file__).parent
ROOT = RUNNER.parents[1]
PROGRAM = Program((2.0, -3.0), (Op("mul", 0, 1), Op("add", 2, 2), Op("tanh", 3)), 4)


def test_the_worker_side_imports_nothing_of_the_grader():
    code = (f"import sys; sys.path.insert(0, {str(RUNNER)!r}); import worker_main; "
            "print(sorted(m for m in sys.modules if m.startswith('grader')))")
    loaded = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_a_program_comes_back_as_numbers(tmp_path):
    path = tmp_path / "micrograd.py"
    path.write_text((ROOT / "reference" / "micrograd" / "micrograd.py").read_text())
    with ProcessRunner(path, sandbox=False) as runner:
        outcome, = runner.run([Call("Value", (PROGRAM.spec("Value"),), helper="autograd_program")])
    assert outcome.ok and outcome.error is None
    value = outcome.value
    assert value["stage"] == autograd_programs.DONE and value["built"] == 5
    t = np.tanh(-12.0)
    assert np.allclose(value["data"], [2.0, -3.0, -6.0, -12.0, t])
    assert np.allclose(value["grad"], [-3 * 2 * (1 - t * t), 2 * 2 * (1 - t * t), 2 * (1 - t * t), 1 - t * t, 1.0])
    assert all(type(v) is np.ndarray for k, v in value.items() if k not in ("stage", "built"))


def test_the_students_exception_is_described_with_where_it_happened(tmp_path):
    path = tmp_path / "micrograd.py"
    path.write_text("class Value:\n    def __init__(self, data):\n        self.data = data\n        self.grad = 0\n"
                    "    def __mul__(self, other):\n        raise ValueError('no mul yet')\n")
    with ProcessRunner(path, sandbox=False) as runner:
        outcome, missing = runner.run([Call("Value", (PROGRAM.spec("Value"),), helper="autograd_program"),
                                       Call("MLP", ({"class": "MLP"},), helper="autograd_network")])
    assert outcome.ok and outcome.value["stage"] == autograd_programs.BUILD and outcome.value["built"] == 2
    assert outcome.error["type"] == "ValueError" and "line 6" in outcome.error["traceback"]
    assert list(outcome.value["data"]) == [2.0, -3.0]          # what was built is still read
    assert missing.status == "missing"
