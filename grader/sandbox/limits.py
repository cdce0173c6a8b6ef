"""Resource limits for a worker: soft == hard, so the student cannot raise them again."""
from __future__ import annotations

import resource
import signal

MiB = 1024 * 1024
# Tasks per worker: the worker, the parent holding its pid namespace, and its threads (numpy runs
# one BLAS thread; a student's code has no use for dozens).
MAX_TASKS = 64
# The worker's writable /tmp (a tmpfs): its bytes, and its inodes (empty files cost no bytes, but
# each costs the kernel ~1 KiB).
TMP_BYTES = 16 * MiB
TMP_INODES = 1024


def apply_limits(memory_bytes: int, cpu_seconds: int = 120, open_files: int = 64,
                 file_bytes: int = 16 * MiB, tasks: int | None = None) -> list[str]:
    """Set the limits; returns the names of those this platform refused (timeouts still hold).

    `tasks`: RLIMIT_NPROC, only for a worker in a user namespace of its own, where the kernel
    counts the tasks of its user in that namespace, i.e. of this worker alone (outside one it
    would count every process of the grader's user; and it never binds root)."""
    wanted = [
        ("RLIMIT_CORE", 0),
        ("RLIMIT_FSIZE", file_bytes),
        ("RLIMIT_NOFILE", open_files),
        ("RLIMIT_CPU", cpu_seconds),
        ("RLIMIT_MSGQUEUE", 0),      # POSIX message queues: kernel memory outside RLIMIT_AS
    ]
    if tasks is not None:
        wanted.append(("RLIMIT_NPROC", tasks))
    if memory_bytes > 0:
        wanted.append(("RLIMIT_AS", memory_bytes))
    refused = []
    for name, value in wanted:
        which = getattr(resource, name, None)
        try:
            if which is None:
                raise ValueError(name)
            soft, hard = resource.getrlimit(which)
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            refused.append(name)
    # Writing past RLIMIT_FSIZE should fail the write, not kill the worker silently.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    return refused
