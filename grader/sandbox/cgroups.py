"""A pids cgroup per worker: a bound on the threads (and processes) one student can start.

Seccomp refuses new processes but must allow threads, and without a bound a worker can start
thousands of them (every one a kernel task against the machine's pid limit). The bound is a pids
cgroup where the machine lets the zygote make one: a cgroup v1 `pids` hierarchy it may write to
(running as root on a host or VM with cgroup v1). Each worker joins a cgroup of its own,
`<hierarchy>/<our cgroup>/backprop-grader-<zygote pid>/worker-<pid>`, whose `pids.max` counts the
worker, every thread it starts and the parent that holds its pid namespace.

Under cgroup v2 a pids controller can be used only in a subtree delegated to us with no process
of ours left in it, which a grader (whose own process sits in its cgroup) does not have; there,
and wherever the hierarchy is read-only, `PidsCgroups.create` says why, and the zygote falls back to
RLIMIT_NPROC in the worker's own user namespace (grader/sandbox/limits.py), which holds for a
grader that does not run as root.

Only the standard library: this module runs inside the zygote.
"""
from __future__ import annotations

import errno
import os
import time

PREFIX = "backprop-grader-"
WORKER = "worker-"


def _pids_hierarchy() -> str | None:
    """Where this process's cgroup sits in a mounted cgroup v1 pids hierarchy, or None."""
    mount = None
    try:
        with open("/proc/self/mountinfo") as handle:
            for line in handle:
                fields = line.split()
                separator = fields.index("-")
                fstype, options = fields[separator + 1], fields[separator + 3].split(",")
                if fstype == "cgroup" and "pids" in options:
                    mount = fields[4]
                    break
        if mount is None:
            return None
        with open("/proc/self/cgroup") as handle:
            for line in handle:
                _, controllers, path = line.rstrip("\n").split(":", 2)
                if "pids" in controllers.split(","):
                    return os.path.join(mount, path.lstrip("/"))
    except (OSError, ValueError, IndexError):
        return None
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_tree(folder: str, keep_live: bool) -> None:
    """rmdir the worker cgroups under `folder` whose worker has ended (all of them, unless
    keep_live); a cgroup with a task left in it stays (EBUSY)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if not name.startswith(WORKER):
            continue
        if keep_live and name[len(WORKER):].isdigit() and _alive(int(name[len(WORKER):])):
            continue
        try:
            os.rmdir(os.path.join(folder, name))
        except OSError:
            pass


class PidsCgroups:
    """This zygote's folder of worker cgroups."""

    def __init__(self, folder: str, max_tasks: int):
        self.folder = folder
        self.max_tasks = max_tasks

    @classmethod
    def create(cls, max_tasks: int) -> tuple["PidsCgroups | None", str]:
        """(cgroups, "") where the machine allows them, else (None, why not)."""
        base = _pids_hierarchy()
        if base is None:
            return None, "no cgroup v1 pids hierarchy (cgroup v2 pids is not delegated to the grader)"
        _sweep_stale(base)
        folder = os.path.join(base, f"{PREFIX}{os.getpid()}")
        try:
            os.mkdir(folder, 0o755)
        except FileExistsError:
            pass
        except OSError as error:
            return None, f"the pids cgroup hierarchy is not writable here ({os.strerror(error.errno)})"
        cgroups = cls(folder, max_tasks)
        # Proved once, in a throwaway child: a worker must not be the first to find out.
        pid = os.fork()
        if pid == 0:
            try:
                cgroups.join()
                code = 0
            except OSError:
                code = 1
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        cgroups.sweep()
        if os.waitstatus_to_exitcode(status) != 0:
            cgroups.close()
            return None, "a worker cannot join a pids cgroup here"
        return cgroups, ""

    def join(self) -> None:
        """In a freshly forked worker (still privileged): a cgroup of its own, capped. Raises OSError."""
        folder = os.path.join(self.folder, f"{WORKER}{os.getpid()}")
        os.mkdir(folder, 0o755)
        with open(os.path.join(folder, "pids.max"), "w") as handle:
            handle.write(str(self.max_tasks))
        with open(os.path.join(folder, "cgroup.procs"), "w") as handle:
            handle.write("0")          # this process; whatever it starts is born inside

    def sweep(self) -> None:
        """Remove the cgroups of workers that have ended (the zygote does not wait for them)."""
        _remove_tree(self.folder, keep_live=True)

    def close(self, wait: float = 0.3) -> None:
        """Remove this zygote's cgroups. A worker killed a moment ago may still be dying: wait for
        it a little; a folder left behind is removed by the next zygote (_sweep_stale)."""
        deadline = time.monotonic() + wait
        while True:
            _remove_tree(self.folder, keep_live=False)
            try:
                os.rmdir(self.folder)
                return
            except OSError as error:
                if error.errno == errno.ENOENT or time.monotonic() > deadline:
                    return
            time.sleep(0.01)


def _sweep_stale(base: str) -> None:
    """Folders of zygotes that were killed (and could not tidy up): removed once empty."""
    try:
        names = os.listdir(base)
    except OSError:
        return
    for name in names:
        suffix = name[len(PREFIX):]
        if name.startswith(PREFIX) and suffix.isdigit() and not _alive(int(suffix)):
            folder = os.path.join(base, name)
            _remove_tree(folder, keep_live=False)
            try:
                os.rmdir(folder)
            except OSError:
                pass
