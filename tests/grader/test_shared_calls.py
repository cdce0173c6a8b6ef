"""One run of the student's code per question: checks that read the same calls share them.

The forward-value, gradient and dtype checks all read a case's forward and, right after it, the
backward on its cache (common.case_calls). They run once per case, whichever check asks first,
and the reference's output for a case is computed once too.
"""
from __future__ import annotations

from pathlib import Path

import gc
from collections import Counter

import pytest

from grader.cases import build_case
from grader.checks import dtypes, forward_values, gradients
from grader.checks.common import Context
from grader.course import find_course
from grader.engine import grade
from grader.exercises import catalogue
ASSIGNMENTS = catalogue(Path(__file__).resolve().parents[2]).assignments
from grader.oracle import oracle_for
from grader.runner.process import ProcessRunner
from tests.grader.counting import CountingRunner


def _affine_cases(oracle, count=3):
    [affine] = [exercise for exercise in ASSIGNMENTS["layers"] if exercise.name == "affine"]
    return affine, [build_case(affine, {"N": 4 + i, "dims": [3, 2], "M": 5}, 11, f"shared-{i}", oracle)
                    for i in range(count)]


@pytest.mark.parametrize("backward_bug", [None, ("db = dout.sum(axis=0)", "db = dout.mean(axis=0)")])
def test_forward_value_gradient_and_dtype_checks_run_each_case_once(mutant, backward_bug):
    oracle = oracle_for(["layers"], find_course())
    affine, cases = _affine_cases(oracle)
    runner = CountingRunner(mutant("layers", *(backward_bug or ())))
    ctx = Context(runner, oracle, affine)
    findings = [forward_values.check(ctx, cases), dtypes.check_forward(ctx, cases), gradients.check(ctx, cases),
                dtypes.check_backward(ctx, cases)]
    assert [finding.passed for finding in findings] == [True, True, backward_bug is None, True]
    # The gradient check stops at its first failing case, but the forward check asked for all three.
    assert dict(runner.calls) == {"affine_forward": 3, "affine_backward": 3}


def test_a_shared_batch_is_planned_once_and_the_plan_is_followed(monkeypatch):
    """The batches several checks read are sent once in the plan, where the first reader runs
    them; a correct submission then asks for every planned batch in order (no replay)."""
    planned, followed = [], []
    plan, end_plan = ProcessRunner.plan, ProcessRunner.end_plan

    def record_plan(self, batches):
        planned.append(batches)
        return plan(self, batches)

    def record_end(self):
        followed.append(end_plan(self))
        return followed[-1]
    monkeypatch.setattr(ProcessRunner, "plan", record_plan)
    monkeypatch.setattr(ProcessRunner, "end_plan", record_end)
    report = grade(find_course().reference_dir / "layers" / "layers.py", seed=2)
    assert report.score == report.max_score
    assert planned and all(len({id(batch) for batch in batches}) == len(batches) for batches in planned)
    assert followed and all(followed)


@pytest.mark.parametrize("end", ["while True:\n        pass", "import os; os._exit(3)"])
def test_a_backward_that_hangs_or_dies_leaves_the_forward_check_alone(mutant, end):
    """The forward check now waits for the backward that runs after each forward: a backward that
    never returns, or ends the process, must not cost the forward its points."""
    path = mutant("layers", "def relu_backward(dout, cache):\n", f"def relu_backward(dout, cache):\n    {end}\n")
    report = grade(path, assignment="layers", seed=4, runner_options={"call_timeout": 0.5})
    relu = {(t.function, t.check, t.visibility): t for t in report.tests if t.function.startswith("relu")}
    forward = [t for key, t in relu.items() if key[0] == "relu_forward"]
    assert forward and all(t.status == "passed" for t in forward), [(t.check, t.output) for t in forward]
    gradient = relu[("relu_backward", "gradient", "visible")]
    assert gradient.status == ("timeout" if "while" in end else "error")


def test_the_reference_output_of_a_case_is_computed_once_and_forgotten_with_it():
    oracle = oracle_for(["layers"], find_course())
    module = oracle.modules["layers"]
    calls = Counter()
    real = module.affine_forward

    def counted(*args):
        calls["affine_forward"] += 1
        return real(*args)
    module.affine_forward = counted
    affine, cases = _affine_cases(oracle, count=2)   # each draw asks for its output once (dout's shape)
    assert calls["affine_forward"] == 2
    first = oracle.forward(cases[0])
    assert oracle.forward(cases[0]) is first and calls["affine_forward"] == 2
    assert len(oracle._outputs) == 2
    del cases, first
    gc.collect()
    assert oracle._outputs == {}
