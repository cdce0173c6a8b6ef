"""Plans: the calls of many checks sent in one message, answered as if each had been its own.

A worker runs a plan ahead of the checks. Whatever the checks then ask for, every call must meet
the state it would have met without a plan, and the captured output must read the same: the
runner replays what was asked for on a fresh worker when the checks leave the plan.
"""
import re
import textwrap
import time

import numpy as np
import pytest

from grader.engine import grade
from grader.runner.calls import Call
from grader.runner.process import ProcessRunner

STUDENT = textwrap.dedent('''
    CALLS = []


    def count():
        CALLS.append(1)
        print("call", len(CALLS))
        return len(CALLS)


    def double(x):
        return 2 * x


    def spin():
        while True:
            pass
''')


@pytest.fixture
def student(tmp_path):
    path = tmp_path / "student.py"
    path.write_text(STUDENT)
    return path


def test_planned_batches_are_answered_in_one_message(student, monkeypatch):
    sent = []
    with ProcessRunner(student, call_timeout=2) as runner:
        original = runner._send
        monkeypatch.setattr(runner, "_send", lambda header, buffers: sent.append(header) or original(header, buffers))
        batches = [[Call("count")], [Call("double", (np.arange(3.0),)), Call("count")]]
        runner.plan(batches)
        first, second = runner.run(batches[0]), runner.run(batches[1])
        assert runner.end_plan()
    assert len(sent) == 1
    assert first[0].value == 1
    assert np.array_equal(second[0].value, [0.0, 2.0, 4.0]) and second[1].value == 2


def test_leaving_the_plan_replays_what_was_asked_for(student):
    with ProcessRunner(student, call_timeout=2) as runner:
        batches = [[Call("count")], [Call("count")], [Call("count")]]
        runner.plan(batches)
        assert runner.run(batches[0])[0].value == 1
        time.sleep(0.2)   # the worker has run the whole plan by now
        # Asked for something else: the two planned calls after the first never happened.
        assert runner.run([Call("count")])[0].value == 2
        assert not runner.end_plan()
        assert runner.captured_output().split("\n")[:3] == ["call 1", "call 2", ""]


def test_unasked_planned_calls_leave_no_output(student):
    with ProcessRunner(student, call_timeout=2) as runner:
        batches = [[Call("count")], [Call("count")]]
        runner.plan(batches)
        runner.run(batches[0])
        time.sleep(0.2)
        assert not runner.end_plan()
        assert runner.captured_output() == "call 1\n"


def test_a_planned_call_that_hangs_costs_nothing_unless_asked_for(student):
    with ProcessRunner(student, call_timeout=2) as runner:
        batches = [[Call("count")], [Call("spin")]]
        runner.plan(batches)
        started = time.monotonic()
        assert runner.run(batches[0])[0].value == 1
        assert runner.run([Call("count")])[0].value == 2
        assert time.monotonic() - started < 1.5


def test_a_hang_in_a_planned_batch_keeps_the_calls_before_it(student):
    with ProcessRunner(student, call_timeout=0.5) as runner:
        batches = [[Call("count")], [Call("count"), Call("spin"), Call("count")], [Call("count")]]
        runner.plan(batches)
        assert runner.run(batches[0])[0].value == 1
        counted, spun, lost = runner.run(batches[1])
        assert (counted.value, spun.status, lost.status) == (2, "timeout", "skipped")
        # The worker was replaced, as after any timeout: a fresh import, so the count starts again.
        assert runner.run(batches[2])[0].value == 1
        assert runner.run([Call("spin")])[0].status == "timeout"   # not run again


# -- whole grades, with and without plans ----------------------------------------------------------

STATEFUL_RELU = '''
import os

RELU_CALLS = [0]


def relu_forward(x):
    """Right for its first calls, then wrong; prints as it goes; hangs or dies on call {last}."""
    RELU_CALLS[0] += 1
    print("relu_forward call", RELU_CALLS[0], x.shape)
    if RELU_CALLS[0] == {last}:
        {end}
    out = np.maximum(x, 0.0) * (1.0 if RELU_CALLS[0] < 3 else 1.5)
    return out, x
'''


def _report(path, monkeypatch, planned: bool) -> dict:
    if not planned:
        monkeypatch.setattr(ProcessRunner, "plan", lambda self, batches: None)
    report = grade(path, assignment="layers", seed=3, runner_options={"call_timeout": 0.5}).to_dict()
    monkeypatch.undo()
    return report


@pytest.mark.parametrize("last, end", [(9, "while True: pass"), (5, "os._exit(1)")])
def test_a_stateful_submission_reads_the_same_with_and_without_plans(mutant, monkeypatch, last, end):
    """A global counter decides what relu_forward returns (so its state carries across checks),
    it prints, and it hangs or exits on a call that some plan runs ahead of the checks."""
    relu = STATEFUL_RELU.format(last=last, end=end)
    path = mutant("layers", "def relu_forward(x):", relu + "\n\ndef _unused_relu_forward(x):")
    planned, unplanned = _report(path, monkeypatch, True), _report(path, monkeypatch, False)
    tidy = lambda report: re.sub(r"grader-submission-\w+", "", repr(report))  # noqa: E731
    assert tidy(planned) == tidy(unplanned)
    assert planned["score"] < planned["max_score"]
