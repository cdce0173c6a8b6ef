"""Hostile submissions that try to eat the machine around their worker: the grader's own memory,
kernel tasks, shared memory outside the worker's address-space limit, inodes.

Each attack is armed (as much as it can take) and disarmed (a modest amount, which honest code
may use and which must keep working): the disarmed run shows that the attack's measurement is
sound, the armed one that the bound holds.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from test_hostile import HONEST_RELU, ROOT, attack, grade_timed, results, zygote  # noqa: F401  (fixtures)

from grader.runner import process, protocol
from grader.runner.outcome_decoding import decode_outcome
from grader.sandbox import limits

# ---------------------------------------------------------------------------------------------
# The grader's own memory: a forged reply that points many arrays at one buffer

FORGED_REPLY = '''
import sys

import numpy as np

BUFFER = bytes(16 << 20)


def relu_forward(x):
    """Answer this call with a forged reply: REFERENCES arrays, all pointing at one 16 MiB buffer."""
    worker = sys._getframe(1).f_locals["self"]
    protocol = sys.modules["protocol"]
    node = {"t": "nd", "dtype": "<f8", "shape": [len(BUFFER) // 8], "buf": 0}
    value = {"t": "tuple", "items": [{"t": "list", "items": [node] * REFERENCES}, {"t": "none"}]}
    protocol.write_message(worker.write_fd, {"status": "ok", "seconds": 0.0, "value": value,
                                             "shape": {"type": "tuple", "len": 2}}, [BUFFER])
    return np.maximum(x, 0.0), x


def relu_backward(dout, cache):
    return (cache > 0) * dout
'''

# Grades one file in a fresh interpreter and prints its peak resident memory (KiB).
MEASURE = '''
import resource, sys
from grader.engine import grade
report = grade(sys.argv[1], seed=1, runner_options={"call_timeout": 2.0, "total_timeout": 30.0})
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, report.score)
'''


def grader_peak_mib(path) -> float:
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return int(done.stdout.split()[0]) / 1024


def test_a_reply_pointing_many_arrays_at_one_buffer_costs_the_grader_nothing(attack):
    armed = attack.write(FORGED_REPLY, name="armed.py", REFERENCES=64)
    disarmed = attack.write(FORGED_REPLY, name="disarmed.py", REFERENCES=1)
    peaks = {"armed": grader_peak_mib(armed), "disarmed": grader_peak_mib(disarmed)}
    # 64 copies of 16 MiB would be a gigabyte; one buffer decodes to one array at most.
    assert peaks["armed"] < peaks["disarmed"] + 128, peaks
    attack.intact()


def test_decoding_a_reply_uses_each_buffer_once():
    node = {"t": "nd", "dtype": "<f8", "shape": [4], "buf": 0}
    buffers = [np.arange(4.0).tobytes()]
    once = decode_outcome({"status": "ok", "value": {"t": "list", "items": [node]}}, buffers)
    assert once.ok and np.array_equal(once.value[0], np.arange(4.0))
    twice = decode_outcome({"status": "ok", "value": {"t": "list", "items": [node, node]}}, buffers)
    assert twice.status == "invalid" and "several arrays" in twice.detail
    # args_after share the reply's buffers: pointing back at the value's buffer is refused too
    again = decode_outcome({"status": "ok", "value": node, "args_after": [node]}, buffers)
    assert again.status == "invalid"
    # a request (decoded by the worker) may still send one array to several calls
    assert len(protocol.decode({"t": "list", "items": [node, node]}, buffers)) == 2


# ---------------------------------------------------------------------------------------------
# Threads


@pytest.mark.parametrize("wanted", [2000, 8], ids=["armed", "disarmed"])
def test_threads_per_worker_are_bounded(attack, zygote, wanted):  # noqa: F811
    path = attack.write(HONEST_RELU + '''
import threading

_stop = threading.Event()
threading.stack_size(64 << 10)     # small stacks: the 1 GiB address-space limit is not what stops them


def _start(count):
    started = 0
    try:
        for _ in range(count):
            threading.Thread(target=_stop.wait, daemon=True).start()
            started += 1
    except RuntimeError:
        pass
    return started


_try("threads", lambda: _start(WANTED))
''', WANTED=wanted)
    report, _ = grade_timed(path, zygote, seed=1)
    started = int(results(report)["threads"].split()[1])
    if wanted <= 8:
        assert started == wanted
    else:
        assert started < limits.MAX_TASKS, f"{started} threads started in one worker"
    assert report.score == report.max_score   # a worker full of threads still answers
    attack.intact()


# ---------------------------------------------------------------------------------------------
# Shared memory outside the worker's address space

HOLD = '''
import ctypes
import os

import numpy as np

_libc = ctypes.CDLL(None, use_errno=True)
_libc.shmat.restype = ctypes.c_void_p
_libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
_libc.shmdt.argtypes = [ctypes.c_void_p]
_kept = []
CHUNK = 16 << 20


def _sysv(total):
    """SysV segments, filled then detached: they stay, outside the address space."""
    held = 0
    try:
        while held < total:
            segment = _libc.shmget(0, CHUNK, 0o1600)            # IPC_PRIVATE, IPC_CREAT | 0600
            if segment < 0:
                raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
            address = _libc.shmat(segment, None, 0)
            if address in (None, ctypes.c_void_p(-1).value):
                raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
            ctypes.memset(address, 1, CHUNK)
            _libc.shmdt(address)
            held += CHUNK
        return f"{held >> 20} MiB"
    except OSError as error:
        return f"{held >> 20} MiB ({error})"


def _memfd(total):
    """Files in memory, written (not mapped), kept open."""
    held = 0
    try:
        while held < total:
            fd = os.memfd_create("hold")
            _kept.append(fd)
            os.write(fd, bytes(CHUNK))
            held += CHUNK
        return f"{held >> 20} MiB"
    except OSError as error:
        return f"{held >> 20} MiB ({error})"


def _numpy(total):
    """What honest code holds: its own arrays, inside the address-space limit."""
    _kept.append(np.ones(total // 8))
    return f"{total >> 20} MiB"


_try("sysv", lambda: _sysv(TOTAL))
_try("memfd", lambda: _memfd(TOTAL))
_try("numpy", lambda: _numpy(TOTAL))
'''


@pytest.mark.parametrize("total_mib", [256, 0], ids=["armed", "disarmed"])
def test_shared_memory_cannot_hold_memory_beyond_the_workers_limit(attack, zygote, total_mib):  # noqa: F811
    path = attack.write(HONEST_RELU + HOLD, TOTAL=total_mib << 20)
    report, _ = grade_timed(path, zygote, seed=1)
    seen = results(report)
    held = {name: int(re.match(r"ok '(\d+) MiB", seen[name]).group(1)) for name in ("sysv", "memfd", "numpy")}
    assert held["numpy"] == total_mib            # the worker itself may hold memory (up to its limit) ...
    assert held["sysv"] == 0, seen["sysv"]       # ... but none outside its address space
    assert held["memfd"] == 0, seen["memfd"]
    assert report.score == report.max_score
    attack.intact()


# ---------------------------------------------------------------------------------------------
# Inodes


@pytest.mark.parametrize("wanted", [20_000, 100], ids=["armed", "disarmed"])
def test_inodes_in_tmp_are_bounded(attack, zygote, wanted):  # noqa: F811
    path = attack.write(HONEST_RELU + '''
import os


def _files(count):
    made = 0
    try:
        folder = "/tmp/" + MARKER
        os.mkdir(folder)
        for made in range(count):
            open(f"{folder}/{made}", "w").close()
        made = count
    except OSError:
        pass
    return made


_try("files", lambda: _files(WANTED))
''', WANTED=wanted)
    report, _ = grade_timed(path, zygote, seed=1)
    made = int(results(report)["files"].split()[1])
    if wanted <= 100:
        assert made == wanted
    else:
        assert made <= limits.TMP_INODES, f"{made} files made in the worker's /tmp"
    assert report.score == report.max_score
    attack.intact()


# ---------------------------------------------------------------------------------------------
# What degrades, said


def test_grade_check_verbose_says_what_isolates_the_worker(tmp_path):
    path = tmp_path / "relu.py"
    path.write_text(textwrap.dedent(HONEST_RELU))
    done = subprocess.run([sys.executable, "-m", "grader.cli", "check", "--verbose", "--format", "json", str(path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert json.loads(done.stdout)["score"] > 0          # stdout stays one JSON document
    assert "Sandbox: namespaces, seccomp" in done.stderr
    from grader.sandbox.zygote import Zygote
    zygote = Zygote()
    try:
        for line in zygote.status.degraded:       # whatever this machine lacks is printed
            assert f"Sandbox degraded: {line}" in done.stderr
    finally:
        zygote.close()


@pytest.mark.parametrize("mib", [8, 0], ids=["armed", "disarmed"])
def test_the_grader_takes_in_a_bounded_amount_from_one_submission(attack, zygote, monkeypatch, mib):  # noqa: F811
    """Outcomes are kept while their exercise is graded: answering every call with a large array
    would pile up in the grader, so past a total the grader stops reading this submission."""
    monkeypatch.setattr(process, "MAX_RECEIVED_BYTES", 64 << 20)     # 8 replies of 8 MiB, not 64 of them
    path = attack.write('''
import numpy as np


def relu_forward(x):
    if MIB:
        return np.zeros((MIB << 20) // 8), x
    return np.maximum(x, 0.0), x


def relu_backward(dout, cache):
    return (cache > 0) * dout
''', MIB=mib)
    report, _ = grade_timed(path, zygote, seed=1)
    stopped = [t for t in report.tests if "the grader stopped reading them" in t.output]
    if mib:
        assert stopped and report.score < report.max_score
    else:
        assert not stopped and report.score == report.max_score
