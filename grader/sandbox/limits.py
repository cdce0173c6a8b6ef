"""Resource limits for a worker: soft == hard, so the student cannot raise them again."""
from __future__ import annotations

import resource
import signal

MiB = 1024 * 1024


def apply_limits(memory_bytes: int, cpu_seconds: int = 120, open_files: int = 64,
                 file_bytes: int = 16 * MiB) -> list[str]:
    """Set the limits; returns the names of those this platform refused (timeouts still hold)."""
    wanted = [
        ("RLIMIT_CORE", 0),
        ("RLIMIT_FSIZE", file_bytes),
        ("RLIMIT_NOFILE", open_files),
        ("RLIMIT_CPU", cpu_seconds),
    ]
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
