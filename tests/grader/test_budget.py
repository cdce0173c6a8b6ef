"""The time budget of a whole grade: a slow but correct submission is cut off, not waited for."""
from __future__ import annotations

import json
import time

import pytest

from grader.budget import Budget, InvalidBudget
from grader.engine import grade
from grader.results import Status

# Correct, and slow the way triple Python loops are: each backward call takes half a second.
SLOW_RELU = '''
import json
import time
import numpy as np


def relu_forward(x):
    return np.maximum(x, 0.0), x


def relu_backward(dout, cache):
    time.sleep(0.5)
    return dout * (cache > 0)
'''


def test_a_slow_submission_keeps_its_points_and_the_rest_is_reported_as_timeout(write):
    started = time.monotonic()
    report = grade(write(SLOW_RELU), budget_seconds=3)
    elapsed = time.monotonic() - started
    assert elapsed < 3 + 20          # it returned: bounded by the budget, not by the calls still to make
    passed = [t for t in report.tests if t.status is Status.PASSED]
    timed_out = [t for t in report.tests if t.status is Status.TIMEOUT]
    # The fast forward's public checks ran before the budget was spent, and keep their points.
    assert {(t.function, t.check) for t in passed} >= {("relu_forward", "forward"), ("relu_forward", "edge cases")}
    assert report.score == sum(t.max_score for t in passed) > 0
    # Whatever did not run says why, in a sentence, and earns nothing.
    assert timed_out and all(t.score == 0 for t in timed_out)
    assert all("time budget (3 s)" in t.output for t in timed_out), [t.output for t in timed_out]
    assert {t.status for t in report.tests} <= {Status.PASSED, Status.TIMEOUT}
    assert any(t.visibility == "hidden" for t in timed_out)    # hidden checks come after the public ones


def test_the_budget_comes_from_the_environment_when_not_given(monkeypatch):
    monkeypatch.setenv("GRADER_BUDGET_SECONDS", "7.5")
    assert Budget().seconds == 7.5
    assert Budget(2).seconds == 2
    monkeypatch.delenv("GRADER_BUDGET_SECONDS")
    assert Budget().seconds == 60
    monkeypatch.setenv("GRADER_BUDGET_SECONDS", "soon")
    with pytest.raises(InvalidBudget, match="GRADER_BUDGET_SECONDS"):
        Budget()
    with pytest.raises(InvalidBudget, match="positive"):
        Budget(0)


def test_grade_check_takes_the_budget_on_the_command_line(write):
    from click.testing import CliRunner

    from grader.cli import main
    slow = str(write(SLOW_RELU))
    result = CliRunner().invoke(main, ["check", slow, "--public", "--budget", "2", "--format", "json"])
    assert result.exit_code == 1, result.output
    tests = json.loads(result.output)["tests"]
    assert any(t["status"] == "timeout" and "time budget (2 s)" in t["output"] for t in tests)
    assert any(t["status"] == "passed" for t in tests)
    refused = CliRunner().invoke(main, ["check", slow, "--budget", "0"])
    assert refused.exit_code == 2 and "--budget" in refused.output
