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


def test_one_seccomp_filter_built_before_forking_serves_every_child(in_child):
    """The zygote builds the filter once and each worker only loads it: a child that loads the
    inherited filter is confined, and so is the next one; the builder itself is not."""
    def build_then_fork_twice():
        import seccomp
        built = seccomp.Filter()

        def confined():
            built.load()
            try:
                os.fork()
            except OSError:
                return "denied"
            return "ALLOWED"
        answers = [in_child(confined), in_child(confined)]
        pid = os.fork()           # the builder never loaded it: it may still fork
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        return " ".join(answers)
    assert in_child(build_then_fork_twice) == "denied denied"


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


def test_folders_holding_mount_points_are_neither_listable_nor_writable(in_child, tmp_path):
    """The common layout: a venv inside the course checkout, beside reference/ (here under /tmp,
    where the worker's own /tmp is writable, which is the harder case)."""
    course = tmp_path / "course"
    prefix = course / ".venv"
    (prefix / "lib").mkdir(parents=True)
    (course / "reference").mkdir()
    (course / "reference" / "layers.py").write_text("ANSWER = 42\n")
    mount_point = tmp_path / "root"
    mount_point.mkdir()

    def attempt():
        import namespaces
        import privileges
        namespaces.enter()
        pid = os.fork()
        if pid:
            os.waitpid(pid, 0)
            os._exit(0)
        import sys
        namespaces.build_root(str(mount_point), ["/usr", sys.prefix, str(prefix)])
        privileges.drop_all()   # as the worker is: no capability overrides file permissions
        seen = {}
        for name, action in [
                ("venv", lambda: os.listdir(prefix)),
                ("list course", lambda: os.listdir(course)),
                ("reference", lambda: open(course / "reference" / "layers.py").read()),
                ("write course", lambda: open(course / "planted.py", "w")),
                ("mkdir tmp_path", lambda: os.mkdir(tmp_path / "planted")),
                ("chmod course", lambda: os.chmod(course, 0o755)),
                ("write /tmp", lambda: open("/tmp/scratch.txt", "w").write("ok"))]:
            try:
                seen[name] = f"ok {action()!r}"
            except OSError as error:
                seen[name] = type(error).__name__
        return seen
    seen = eval(in_child(attempt))  # noqa: S307  (our own child's repr of a dict of strings)
    assert seen["venv"] == "ok ['lib']"
    assert seen["list course"] == "PermissionError"
    assert seen["reference"] == "FileNotFoundError"
    assert seen["write course"] in ("PermissionError", "OSError")
    assert seen["mkdir tmp_path"] in ("PermissionError", "OSError")
    assert seen["chmod course"] == "OSError"        # EROFS: the folder stays execute-only
    assert seen["write /tmp"] == "ok 2"
    assert not (course / "planted.py").exists() and not (tmp_path / "planted").exists()
