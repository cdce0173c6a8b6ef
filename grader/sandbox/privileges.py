"""Dropping privileges inside the sandbox, after the namespaces and mounts are in place.

A process that keeps capabilities inside its namespaces could unmount the tmpfs that hides the
host and see everything under it; so every capability goes (bounding set too), and no_new_privs
makes sure nothing can bring one back.
"""
from __future__ import annotations

import signal

from libc import PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_SET_PDEATHSIG, clear_capabilities, last_capability, prctl


def drop_all() -> None:
    for cap in range(last_capability() + 1):
        try:
            prctl(PR_CAPBSET_DROP, cap)
        except OSError:
            pass   # unknown to this kernel, or already gone
    clear_capabilities()
    prctl(PR_SET_NO_NEW_PRIVS, 1)


def die_with_parent() -> None:
    """SIGKILL this process when its parent dies (so killing the parent kills the worker)."""
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
