"""Each sandbox layer on its own, applied in a forked child."""
from __future__ import annotations

import os
import threading

import numpy as np


def test_seccomp_blocks_processes_sockets_and_exec_but_not_threads(in_child):
    def attempt():
        import seccomp
        seccomp.install()
        results = []
        thread = threading.Thread(target=lambda: results.append("thread"))
        thread.start()
        thread.join()
        for name, action in [("fork", os.fork), ("socket", lambda: __import__("socket").socket()),
                             ("exec", lambda: os.execv("/bin/true", ["true"])),
                             ("unshare", lambda: __import__("libc").unshare(0x20000000))]:
            try:
                action()
                results.append(f"{name}-ALLOWED")
            except OSError:
                results.append(f"{name}-denied")
        results.append(str(float(np.ones((50, 50)).dot(np.ones(50)).sum())))  # numpy still works
        return " ".join(results)
    assert in_child(attempt) == "thread fork-denied socket-denied exec-denied unshare-denied 2500.0"


def test_limits_turn_a_memory_bomb_into_memory_error(in_child):
    def attempt():
        import limits
        limits.apply_limits(512 * 1024 * 1024)
        try:
            np.ones(10**10)
        except MemoryError:
            return "MemoryError"
        return "allocated"
    assert in_child(attempt) == "MemoryError"


def test_limits_cannot_be_raised_again(in_child):
    def attempt():
        import resource

        import limits
        limits.apply_limits(512 * 1024 * 1024)
        try:
            resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
            return "raised"
        except ValueError:
            return "refused"
    assert in_child(attempt) == "refused"


def test_dropping_privileges_leaves_no_capability(in_child):
    def attempt():
        import privileges
        privileges.drop_all()
        with open("/proc/self/status") as handle:
            fields = dict(line.split(":", 1) for line in handle if ":" in line)
        return " ".join(f"{k}={fields[k].strip()}" for k in ("CapEff", "CapPrm", "CapBnd", "NoNewPrivs"))
    assert in_child(attempt) == "CapEff=0000000000000000 CapPrm=0000000000000000 CapBnd=0000000000000000 NoNewPrivs=1"


def test_namespaces_and_private_root_hide_the_host(in_child, tmp_path):
    canary = tmp_path / "canary.txt"
    canary.write_text("host")
    submission_dir = tmp_path / "submission"
    submission_dir.mkdir()
    mount_point = tmp_path / "root"
    mount_point.mkdir()

    def attempt():
        import namespaces
        namespaces.enter()
        pid = os.fork()   # the pid namespace applies to children
        if pid:
            os.waitpid(pid, 0)
            os._exit(0)
        import sys
        namespaces.build_root(str(mount_point), ["/usr", sys.prefix, str(submission_dir)])
        seen = [os.getpid(), os.path.exists(str(canary)), os.path.isdir(str(submission_dir)),
                sorted(os.listdir("/"))]
        try:
            open(str(submission_dir / "x"), "w")
            seen.append("wrote")
        except OSError:
            seen.append("read-only")
        return seen
    # The grandchild answers through the inherited pipe, then the child exits.
    answer = in_child(attempt)
    assert answer.startswith("[1, False, True, ")
    assert "'tmp'" in answer and "'home'" not in answer and "'etc'" not in answer
    assert answer.endswith("'read-only']")
    assert canary.read_text() == "host"
