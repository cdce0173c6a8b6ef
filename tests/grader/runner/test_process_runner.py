"""ProcessRunner: student code runs in a worker process that can hang, crash or print without harm."""
import os
import re
import sys
import textwrap
import time

import numpy as np
import pytest

from grader.runner.calls import Call, Ref
from grader.runner.inprocess import InProcessRunner
from grader.runner.process import MAX_CAPTURED_OUTPUT, ProcessRunner
from grader.runner.protocol import Opaque

STUDENT = textwrap.dedent('''
    import os
    import sys

    import numpy as np

    print("student module imported")
    CALLS = []


    def double(x):
        return 2 * x


    def count():
        CALLS.append(1)
        return len(CALLS)


    def fwd(x, w):
        out = x @ w
        cache = (x, w, lambda: "not sendable")
        return out, cache


    def bwd(dout, cache):
        x, w, _ = cache
        return dout @ w.T, x.T @ dout


    def one():
        return (1.0,)


    def todo(x):
        raise NotImplementedError("write me")


    def fails(x):
        return _helper(x)


    def _helper(x):
        return x[10]


    def spin():
        while True:
            pass


    def die():
        os._exit(3)


    def secret():
        return os.environ.get("SECRET_KEY")


    def environment():
        return repr(sorted(os.environ.items()))


    def chatty():
        print('{"status": "ok", "value": {"t": "int", "v": "666"}}')
        sys.stdout.flush()
        os.write(1, b"\\x00\\x00\\x00\\x02{}raw bytes on fd 1")
        sys.stderr.write("to stderr\\n")
        return 7


    def flood():
        sys.stdout.write("x" * 10_000_000)
        return "done"

    def chatter():
        sys.stdout.write("y" * 100_000)
        return "done"


    def masked():
        return np.ma.masked_array([1.0, 2.0], mask=[False, True])


    def scale_inplace(x, factor):
        x *= factor
        return None


    def remember(params):
        params["calls"] = params.get("calls", 0) + 1
        params["id"] = id(params)
        return params["calls"]


    def same(params):
        return params.get("id") == id(params), params.get("calls")
''')


def line_of(source: str, text: str) -> int:
    """1-based line number of the first line containing `text`."""
    return next(i for i, line in enumerate(source.splitlines(), 1) if text in line)


@pytest.fixture
def student(tmp_path):
    path = tmp_path / "student.py"
    path.write_text(STUDENT)
    return path


@pytest.fixture
def runner(student):
    with ProcessRunner(student, call_timeout=0.5) as runner:
        yield runner


def _state(pid: int) -> str | None:
    """The process's state letter (R, S, Z, ...), or None once it no longer exists."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return None


def family(pid: int) -> set[int]:
    """pid and every process below it (a sandboxed worker runs as a child in its own pid namespace)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parents[int(entry)] = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, ProcessLookupError, IndexError):
                pass
    found, frontier = {pid}, {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def pid_is_gone(pid: int, timeout: float = 3.0) -> bool:
    """True once `pid` no longer runs: os.kill(pid, 0) raises ProcessLookupError, or it is a zombie
    waiting to be reaped (workers are the zygote's children, reaped by it, not by us)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        if _state(pid) in (None, "Z", "X"):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)


X = np.arange(6.0).reshape(2, 3)
W = np.linspace(-1.0, 1.0, 12).reshape(3, 4)


# ---------------------------------------------------------------------------------------------
# Normal calls


def test_normal_call_round_trips_arrays(runner):
    [outcome] = runner.run([Call("double", (X,))])
    assert outcome.status == "ok" and outcome.error is None
    assert type(outcome.value) is np.ndarray
    np.testing.assert_array_equal(outcome.value, 2 * X)
    assert outcome.outline == {"type": "numpy.ndarray"}
    assert outcome.seconds >= 0


def test_forward_cache_stays_in_the_worker_and_reaches_the_backward_by_ref(runner):
    dout = np.ones((2, 4)) * 0.5
    forward, backward = runner.run([
        Call("fwd", (X, W), save_as="fw", want=(0,)),
        Call("bwd", (dout, Ref("fw", 1))),
    ])
    assert forward.status == "ok"
    assert forward.outline == {"type": "tuple", "len": 2}
    assert len(forward.value) == 1
    np.testing.assert_allclose(forward.value[0], X @ W)
    assert backward.status == "ok"
    dx, dw = backward.value
    np.testing.assert_allclose(dx, dout @ W.T)
    np.testing.assert_allclose(dw, X.T @ dout)


def test_saved_value_survives_between_batches(runner):
    runner.run([Call("fwd", (X, W), save_as="fw", want=(0,))])
    [backward] = runner.run([Call("bwd", (np.ones((2, 4)), Ref("fw", 1)))])
    assert backward.status == "ok"
    np.testing.assert_allclose(backward.value[1], X.T @ np.ones((2, 4)))


def test_unsendable_part_of_a_result_is_opaque(runner):
    [outcome] = runner.run([Call("fwd", (X, W))])
    assert outcome.status == "ok"
    out, cache = outcome.value
    np.testing.assert_allclose(out, X @ W)
    assert isinstance(cache[2], Opaque) and "function" in cache[2].type_name


def test_ref_to_a_failed_call_is_skipped(runner):
    failed, dependent = runner.run([
        Call("fails", (np.zeros(2),), save_as="broken"),
        Call("bwd", (np.ones((2, 4)), Ref("broken", 1))),
    ])
    assert failed.status == "error"
    assert dependent.status == "skipped"


def test_missing_function(runner):
    [outcome] = runner.run([Call("no_such_function", (X,))])
    assert outcome.status == "missing"
    assert outcome.value is None


def test_not_implemented(runner):
    [outcome] = runner.run([Call("todo", (X,))])
    assert outcome.status == "not_implemented"
    assert outcome.error["type"] == "NotImplementedError"
    assert "write me" in outcome.error["message"]


def test_exception_traceback_shows_only_the_students_frames(runner, student):
    [outcome] = runner.run([Call("fails", (np.zeros(3),))])
    assert outcome.status == "error"
    error = outcome.error
    assert error["type"] == "IndexError"
    trace = error["traceback"]
    assert f'File "student.py", line {line_of(STUDENT, "return _helper(x)")}, in fails' in trace
    assert f'File "student.py", line {line_of(STUDENT, "return x[10]")}, in _helper' in trace
    assert trace.rstrip().endswith(error["message"])
    assert "IndexError" in error["message"]
    for grader_detail in ("worker_main", "grader", "importlib", str(student.parent)):
        assert grader_detail not in trace


def test_want_beyond_the_returned_tuple_is_an_opaque_missing_marker(runner):
    """Worker.wanted fills absent elements with Opaque("missing"); the grader must see that."""
    [outcome] = runner.run([Call("one", want=(0, 1))])
    assert outcome.status == "ok"
    assert outcome.value[0] == 1.0
    assert outcome.value[1] == Opaque("missing")


def test_masked_array_result_comes_back_opaque(runner):
    [outcome] = runner.run([Call("masked")])
    assert outcome.status == "ok"
    assert isinstance(outcome.value, Opaque)
    assert "MaskedArray" in outcome.value.type_name
    assert outcome.outline == {"type": "numpy.ma.MaskedArray"}


def test_return_args_shows_in_place_modification(runner):
    x = np.arange(3.0)
    [outcome] = runner.run([Call("scale_inplace", (x, 3.0), return_args=True)])
    assert outcome.status == "ok" and outcome.value is None
    after, factor = outcome.args_after
    np.testing.assert_array_equal(after, [0.0, 3.0, 6.0])
    assert factor == 3.0
    np.testing.assert_array_equal(x, [0.0, 1.0, 2.0])  # the grader's own array is untouched


def test_args_after_is_none_unless_asked(runner):
    [outcome] = runner.run([Call("scale_inplace", (np.arange(3.0), 2.0))])
    assert outcome.status == "ok" and outcome.args_after is None


def test_saved_args_let_later_calls_receive_the_same_dict_object(runner):
    first, second, check = runner.run([
        Call("remember", ({"mode": "train"},), save_args_as="bn"),
        Call("remember", (Ref("bn", 0),)),
        Call("same", (Ref("bn", 0),)),
    ])
    assert [first.status, second.status, check.status] == ["ok", "ok", "ok"]
    assert (first.value, second.value) == (1, 2)
    assert check.value == (True, 2)


# ---------------------------------------------------------------------------------------------
# Hangs and crashes


def test_infinite_loop_times_out_and_the_worker_is_replaced(runner):
    assert runner.run([Call("count"), Call("count")])[1].value == 2
    old_pid = runner.pid
    started = time.monotonic()
    before, hang, after = runner.run([Call("double", (X,)), Call("spin"), Call("double", (X,))])
    elapsed = time.monotonic() - started
    assert (before.status, hang.status, after.status) == ("ok", "timeout", "skipped")
    assert "spin" in hang.detail and "0.5 s" in hang.detail
    assert 0.5 <= elapsed < 3.0
    assert pid_is_gone(old_pid)
    [again, fresh_count] = runner.run([Call("double", (X,)), Call("count")])
    assert again.status == "ok"
    np.testing.assert_array_equal(again.value, 2 * X)
    assert fresh_count.value == 1  # a fresh worker: the module was imported again
    assert runner.pid != old_pid
    assert runner.captured_output().count("student module imported") == 2


def test_os_exit_is_a_crash_and_later_calls_work(runner):
    old_pid = runner.pid
    crash, lost = runner.run([Call("die"), Call("double", (X,))])
    assert crash.status == "crashed"
    assert "die" in crash.detail and "exit" in crash.detail
    assert lost.status == "skipped"
    [outcome] = runner.run([Call("double", (X,))])
    assert outcome.status == "ok"
    np.testing.assert_array_equal(outcome.value, 2 * X)
    assert runner.pid != old_pid and pid_is_gone(old_pid)


def test_saved_values_do_not_survive_a_restart(runner):
    runner.run([Call("fwd", (X, W), save_as="fw", want=(0,)), Call("die")])
    [backward] = runner.run([Call("bwd", (np.ones((2, 4)), Ref("fw", 1)))])
    assert backward.status == "skipped"


# ---------------------------------------------------------------------------------------------
# Import problems


def test_infinite_loop_at_import_is_a_timeout(tmp_path):
    path = tmp_path / "hangs.py"
    path.write_text("def f():\n    return 1\n\nwhile True:\n    pass\n")
    started = time.monotonic()
    with ProcessRunner(path, import_timeout=1) as runner:
        error = runner.load_error()
        assert error is not None and error.status == "timeout"
        assert "1 s" in error.detail
        assert runner.pid is None
        assert [o.status for o in runner.run([Call("f"), Call("f")])] == ["timeout", "timeout"]
    assert time.monotonic() - started < 4


def test_exception_at_import_is_a_load_error_with_the_traceback(tmp_path):
    path = tmp_path / "raises.py"
    path.write_text("import numpy as np\n\nX = 1\nraise RuntimeError('broken at import')\n\ndef f():\n    return 1\n")
    with ProcessRunner(path) as runner:
        error = runner.load_error()
        assert error.status == "error"
        assert error.error["type"] == "RuntimeError"
        trace = error.error["traceback"]
        assert 'File "raises.py", line 4, in <module>' in trace
        assert "broken at import" in trace
        assert "worker_main" not in trace and "importlib" not in trace and str(tmp_path) not in trace
        [outcome] = runner.run([Call("f")])
        assert outcome.status == "error" and outcome.error == error.error


@pytest.mark.parametrize("source", [
    "import numpy as np\n\ndef f(:\n    pass\n",
    "import numpy as np\n\nbreak\n",
], ids=["parse error", "compile error"])
def test_syntax_error_at_import_names_the_line(tmp_path, source):
    path = tmp_path / "broken.py"
    path.write_text(source)
    with ProcessRunner(path) as runner:
        error = runner.load_error()
        assert error.status == "error"
        assert error.error["type"] == "SyntaxError"
        assert "line 3" in error.error["traceback"]
        assert "broken.py" in error.error["traceback"]


def test_syntax_error_at_import_names_the_file_by_basename_only(tmp_path):
    path = tmp_path / "broken.py"
    path.write_text("import numpy as np\n\ndef f(:\n    pass\n")
    with ProcessRunner(path) as runner:
        error = runner.load_error().error
    assert str(tmp_path) not in error["traceback"]
    assert str(tmp_path) not in error["message"]


def test_exit_at_import_is_a_load_error(tmp_path):
    path = tmp_path / "exits.py"
    path.write_text("import sys\nsys.exit(4)\n")
    with ProcessRunner(path) as runner:
        error = runner.load_error()
    assert error.status == "error" and error.error["type"] == "SystemExit"


# ---------------------------------------------------------------------------------------------
# Output, environment, cleanup


def test_student_output_is_captured_and_never_breaks_the_protocol(runner):
    chatty, after = runner.run([Call("chatty"), Call("double", (X,))])
    assert chatty.status == "ok" and chatty.value == 7
    assert after.status == "ok"
    np.testing.assert_array_equal(after.value, 2 * X)
    output = runner.captured_output()
    assert "student module imported" in output
    assert '{"status": "ok", "value": {"t": "int", "v": "666"}}' in output
    assert "raw bytes on fd 1" in output
    assert "to stderr" in output


def test_output_flood_is_truncated(runner):
    flood, after = runner.run([Call("flood"), Call("double", (X,))])
    assert flood.status == "ok" and flood.value == "done"
    assert after.status == "ok"
    output = runner.captured_output()
    assert MAX_CAPTURED_OUTPUT <= len(output) <= MAX_CAPTURED_OUTPUT + 200
    assert MAX_CAPTURED_OUTPUT == 64 * 1024
    assert output.rstrip().endswith("more bytes of output not shown)")


def test_reading_the_output_does_not_move_where_the_worker_writes(runner):
    """captured_output() is read between the public and the hidden checks while the worker goes on
    printing into the same file: reading must not move the offset the worker writes at."""
    def hidden_bytes(output: str) -> int:
        return int(re.search(r"\((\d+) more bytes of output not shown\)", output).group(1))
    assert runner.run([Call("chatter")])[0].status == "ok"
    first = runner.captured_output()
    assert runner.run([Call("chatter")])[0].status == "ok"
    second = runner.captured_output()
    assert hidden_bytes(second) - hidden_bytes(first) == 100_000      # the second chatter, appended
    assert second[:MAX_CAPTURED_OUTPUT] == first[:MAX_CAPTURED_OUTPUT]


def test_worker_environment_holds_none_of_the_graders_variables(student, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "hunter2-do-not-leak")
    monkeypatch.setenv("GRADER_SECRET", "grader-secret-value")
    monkeypatch.setenv("DATABASE_URL", "postgresql://user:pw@db/grades")
    with ProcessRunner(student) as runner:
        secret, environment = runner.run([Call("secret"), Call("environment")])
    assert secret.status == "ok" and secret.value is None
    assert environment.status == "ok" and type(environment.value) is str
    for leaked in ("SECRET_KEY", "hunter2", "GRADER_SECRET", "grader-secret-value", "DATABASE_URL", "pw@db"):
        assert leaked not in environment.value
    assert "PATH" in environment.value  # the probe really returned the environment


def test_no_worker_is_left_running_after_close(student):
    runner = ProcessRunner(student, call_timeout=0.5)
    assert runner.load_error() is None
    first = family(runner.pid)
    assert runner.run([Call("spin")])[0].status == "timeout"   # kills and later replaces the worker
    assert all(pid_is_gone(pid) for pid in first)
    assert runner.run([Call("count")])[0].status == "ok"
    second = family(runner.pid)
    assert not pid_is_gone(runner.pid, timeout=0)
    runner.close()
    assert runner.pid is None
    assert [pid for pid in first | second if not pid_is_gone(pid)] == []


def test_context_manager_closes_the_worker(student):
    with ProcessRunner(student) as runner:
        pids = family(runner.pid)
        assert runner.run([Call("count")])[0].value == 1
    assert [pid for pid in pids if not pid_is_gone(pid)] == []


# ---------------------------------------------------------------------------------------------
# InProcessRunner gives the same outcomes


SAME_CALLS = [
    Call("double", (X,)),
    Call("fwd", (X, W), save_as="fw", want=(0,)),
    Call("bwd", (np.ones((2, 4)), Ref("fw", 1))),
    Call("fwd", (X, W)),
    Call("no_such_function"),
    Call("todo", (X,)),
    Call("fails", (np.zeros(3),)),
    Call("masked"),
    Call("scale_inplace", (np.arange(3.0), 2.0), return_args=True),
    Call("remember", ({},), save_args_as="bn"),
    Call("same", (Ref("bn", 0),)),
    Call("bwd", (np.ones((2, 4)), Ref("never_saved", 1))),
]


def assert_same_value(got, expected):
    assert type(got) is type(expected)
    if isinstance(expected, np.ndarray):
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)
    elif isinstance(expected, (tuple, list)):
        assert len(got) == len(expected)
        for g, e in zip(got, expected):
            assert_same_value(g, e)
    else:
        assert got == expected


@pytest.fixture
def isolated_import(monkeypatch):
    """InProcessRunner imports into this process: undo its sys.path and sys.modules changes."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setitem(sys.modules, "submission", None)


def test_in_process_runner_gives_the_same_outcomes(student, isolated_import):
    with ProcessRunner(student) as process_runner:
        expected = process_runner.run(SAME_CALLS)
    with InProcessRunner(student) as in_process:
        assert in_process.load_error() is None
        got = in_process.run(SAME_CALLS)
        assert "student module imported" in in_process.captured_output()
    assert [o.status for o in got] == [o.status for o in expected] == [
        "ok", "ok", "ok", "ok", "missing", "not_implemented", "error", "ok", "ok", "ok", "ok", "skipped"]
    for g, e in zip(got, expected):
        assert_same_value(g.value, e.value)
        assert_same_value(g.args_after, e.args_after)
        assert g.outline == e.outline
        assert g.error == e.error


def test_in_process_runner_reports_the_same_load_error(tmp_path, isolated_import):
    path = tmp_path / "raises.py"
    path.write_text("X = 1\nraise RuntimeError('broken at import')\n")
    with ProcessRunner(path) as process_runner:
        expected = process_runner.load_error()
    with InProcessRunner(path) as in_process:
        got = in_process.load_error()
        assert [o.status for o in in_process.run([Call("f")])] == ["error"]
    assert (got.status, got.error) == (expected.status, expected.error)
