"""The zygote and the sandboxed worker as the grader uses them."""
from __future__ import annotations

import os
import time

import pytest

from grader.engine import SandboxUnavailable, grade
from grader.runner.calls import Call
from grader.runner.process import ProcessRunner
from grader.sandbox.zygote import Zygote

PROBE = '''
import os, sys
def where():
    return {"pid": os.getpid(), "ppid": os.getppid(), "env": sorted(os.environ),
            "root": sorted(os.listdir("/")), "modules": sorted(m for m in sys.modules if m.startswith("grader"))}
def relu_forward(x):
    return x * (x > 0), x
def relu_backward(dout, cache):
    return dout * (cache > 0)
'''


@pytest.fixture
def zygote(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "zygote-test-secret")
    z = Zygote()
    yield z
    z.close()


def test_the_worker_is_pid_1_of_its_own_namespace_with_a_clean_environment(zygote, write):
    with ProcessRunner(write(PROBE), zygote=zygote) as runner:
        [outcome] = runner.run([Call("where")])
    assert outcome.ok, outcome
    seen = outcome.value
    assert seen["pid"] == 1 and seen["ppid"] == 0
    assert "SECRET_KEY" not in seen["env"] and "PATH" in seen["env"]
    assert "work" not in seen["root"] and "home" not in seen["root"]
    assert seen["modules"] == []   # forked from the zygote, not from the grader
    assert zygote.status.complete


def test_workers_start_in_milliseconds_from_the_zygote(zygote, write):
    path = write(PROBE)
    with ProcessRunner(path, zygote=zygote) as runner:
        runner.run([Call("where")])
    started = time.perf_counter()
    for _ in range(5):
        with ProcessRunner(path, zygote=zygote) as runner:
            assert runner.run([Call("where")])[0].ok
    # generous: a fork and an import, not an interpreter start (which alone takes ~100 ms)
    assert (time.perf_counter() - started) / 5 < 1.0


def test_closing_a_runner_leaves_no_worker(zygote, write):
    runner = ProcessRunner(write(PROBE), zygote=zygote)
    with runner:
        runner.run([Call("where")])
        pid = runner.pid
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_hidden_checks_are_refused_without_the_sandbox(write):
    path = write(PROBE)
    with pytest.raises(SandboxUnavailable, match="--public"):
        grade(path, runner_options={"sandbox": False})


def test_public_checks_run_without_the_sandbox_and_say_so(write):
    report = grade(write(PROBE), public_only=True, runner_options={"sandbox": False})
    assert report.max_score > 0 and report.score == report.max_score
    assert any("Sandbox incomplete" in note for note in report.notes)


def test_the_operator_may_allow_hidden_checks_unsandboxed(write):
    report = grade(write(PROBE), allow_unsandboxed=True, runner_options={"sandbox": False})
    assert any(t.visibility == "hidden" for t in report.tests)
    assert report.score == report.max_score


def test_in_process_mode_runs_public_checks_only(write):
    report = grade(write(PROBE), in_process=True)
    assert report.tests and all(t.visibility == "visible" for t in report.tests)
    assert any("public checks only" in note for note in report.notes)
