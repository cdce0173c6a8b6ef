"""Namespaces and a private root file system for a worker.

`enter(...)` puts the calling (single-threaded) process into new user (when not root), mount,
network, IPC, UTS and pid namespaces. The pid namespace takes effect for children, so the caller
forks once more; the child is pid 1 of a namespace of its own, and killing it kills everything the
student could have started. `build_root(...)` then replaces the file system with a small tmpfs
holding read-only binds of exactly what the worker needs (the Python prefix, numpy's
site-packages, the submission's folder), an empty /dev with null, zero and urandom, and a small
writable /tmp (bounded in bytes and inodes). What is not bound (the reference solutions, the grader's checkout, /etc, /home,
the database) does not exist inside.

The folders that only hold mount points (for a venv at /work/course/.venv: /work and
/work/course) are execute-only and read-only, as in bubblewrap: the worker can pass through them
but not list them (a sibling reference/ stays unseen even by name) nor write into them. The root
is remounted read-only once its binds are in place; under the writable /tmp, such folders get a
small tmpfs of their own that is remounted read-only too.
"""
from __future__ import annotations

import os
from pathlib import PurePosixPath

from libc import (
    CLONE_NEWIPC,
    CLONE_NEWNET,
    CLONE_NEWNS,
    CLONE_NEWPID,
    CLONE_NEWUSER,
    CLONE_NEWUTS,
    MNT_DETACH,
    MS_BIND,
    MS_NODEV,
    MS_NOSUID,
    MS_PRIVATE,
    MS_RDONLY,
    MS_REC,
    MS_REMOUNT,
    mount,
    pivot_root,
    umount2,
    unshare,
)
from limits import TMP_BYTES, TMP_INODES

NAMESPACES = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWPID
DEVICES = ("/dev/null", "/dev/zero", "/dev/urandom", "/dev/random")


def enter() -> bool:
    """Unshare every namespace (a user namespace too when not root); True if a user namespace was
    made (limits.apply_limits's `tasks` then counts only this worker). Raises OSError."""
    uid, gid = os.getuid(), os.getgid()
    if uid == 0:
        unshare(NAMESPACES)
        return False
    unshare(NAMESPACES | CLONE_NEWUSER)
    # Map ourselves to root inside, so that we may mount; capabilities are dropped afterwards.
    with open("/proc/self/setgroups", "w") as handle:
        handle.write("deny")
    with open("/proc/self/uid_map", "w") as handle:
        handle.write(f"0 {uid} 1")
    with open("/proc/self/gid_map", "w") as handle:
        handle.write(f"0 {gid} 1")
    return True


# SysV shared memory, message queues and semaphores live in the IPC namespace, outside any
# process's address space: a worker could hold gigabytes there beyond its RLIMIT_AS. Its IPC
# namespace is its own, so its limits can be zero without touching the host's.
IPC_LIMITS = {"kernel/shmmni": "0", "kernel/shmall": "0", "kernel/shmmax": "0", "kernel/msgmni": "0",
              "kernel/sem": "0 0 0 0"}


def close_ipc() -> None:
    """Set this (new) IPC namespace's limits to zero: no segment, queue or semaphore can be made.
    Call only after enter(): in the host's IPC namespace this would change the machine's."""
    for name, value in IPC_LIMITS.items():
        with open(f"/proc/sys/{name}", "w") as handle:
            handle.write(value)


def build_root(root: str, readonly: list[str], tmp_bytes: int = TMP_BYTES, tmp_inodes: int = TMP_INODES) -> None:
    """Make `root` (an existing empty folder) the new root file system, holding only `readonly`."""
    mount(None, "/", None, MS_REC | MS_PRIVATE)   # nothing we mount propagates to the host
    mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
    # /tmp first: a submission that lives under /tmp is then bound on top of it, not hidden by it.
    os.makedirs(root + "/tmp")
    mount("tmpfs", root + "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, f"size={tmp_bytes},nr_inodes={tmp_inodes},mode=1777")
    binds = _minimal(readonly)
    skeletons = _skeletons_under_tmp(binds)
    for folder in skeletons:
        os.makedirs(root + folder)
        mount("tmpfs", root + folder, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755")
    for path in binds:
        _bind_readonly(path, root + path)
    for folder in _folders_above(binds):
        os.chmod(root + folder, 0o111)
    for folder in skeletons:
        mount(None, root + folder, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    for link in ("/bin", "/lib", "/lib64", "/sbin"):
        if os.path.islink(link) and not os.path.lexists(root + link):
            os.symlink(os.readlink(link), root + link)
    os.makedirs(root + "/dev", exist_ok=True)
    for device in DEVICES:
        if os.path.exists(device):
            _bind_file(device, root + device)
    os.chdir(root)
    pivot_root(".", ".")          # the old root ends up stacked under the new one ...
    umount2(".", MNT_DETACH)      # ... and is detached: nothing of the host is reachable
    os.chdir("/")
    mount(None, "/", None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _folders_above(binds: list[str]) -> list[str]:
    """The folders created only to hold the binds' mount points (never / or /tmp)."""
    above = {str(parent) for path in binds for parent in PurePosixPath(path).parents}
    return sorted(above - set(binds) - {"/", "/tmp"})


def _skeletons_under_tmp(binds: list[str]) -> list[str]:
    """/tmp/a for a bind at /tmp/a/b/c: folders between the writable /tmp and a bind live on a
    tmpfs of their own, so that they can be made read-only like the root's."""
    tops = set()
    for path in binds:
        parts = PurePosixPath(path).parts   # ("/", "tmp", "a", "b", ...)
        if parts[1:2] == ("tmp",) and len(parts) >= 4:
            tops.add("/tmp/" + parts[2])
    return sorted(tops)


def _minimal(paths: list[str]) -> list[str]:
    """Existing real paths, without those already inside another one, parents first."""
    real = sorted({os.path.realpath(p) for p in paths if os.path.exists(p)})
    kept: list[str] = []
    for path in real:
        if not any(path == k or path.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(path)
    return kept


def _bind_readonly(source: str, target: str) -> None:
    if os.path.isdir(source):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        open(target, "a").close()
    mount(source, target, None, MS_BIND | MS_REC)
    mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _bind_file(source: str, target: str) -> None:
    open(target, "a").close()
    mount(source, target, None, MS_BIND)
    mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID)
