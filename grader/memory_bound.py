"""A memory bound for a grading process of its own, apart from its workers' (1 GiB each).

The grader decodes what workers send, capped per reply and per submission (grader.runner.process);
this bound is the backstop for everything else a process that grades all day may come to hold:
past it, an allocation in the grader fails with MemoryError (a failure of ours, which the batch
and the queue report and retry) instead of the machine running out of memory. It is RLIMIT_DATA,
not RLIMIT_AS: address space that is only reserved (thread arenas, guard pages) does not count.
Set it where a process exists to grade (`grade worker`, `grade batch`'s pool processes), not in a
library call that could share its process with anything else.
"""
from __future__ import annotations

import os
import resource

ENV_VAR = "GRADER_MEMORY_BYTES"
DEFAULT_BYTES = 4 << 30


def memory_bound(environ: dict[str, str] | None = None) -> int | None:
    """GRADER_MEMORY_BYTES (bytes; 0 for none) if set, else 4 GiB. ValueError if it is not a number."""
    text = (os.environ if environ is None else environ).get(ENV_VAR, "").strip()
    if not text:
        return DEFAULT_BYTES
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise ValueError(f"{ENV_VAR} must be a number of bytes (0 for no bound), not {text!r}")
    return value or None


def bound_grading_process(limit: int | None = None) -> int | None:
    """Lower this process's RLIMIT_DATA to `limit` (default: memory_bound()), never raise it.
    Returns the bound now in force (None: unbounded)."""
    limit = memory_bound() if limit is None else limit
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if limit is not None and (soft == resource.RLIM_INFINITY or limit < soft):
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
        soft = limit
    return None if soft == resource.RLIM_INFINITY else soft
