"""The limits of sending a plan: every call the next checks will make, in one message.

The checks ask the worker one batch of calls per case, and each batch used to be a round trip:
encode, write, wake the worker, wait for its replies. A plan is all of an exercise's batches, sent
at once; the worker runs them in order as usual (one reply per call, so a call that hangs loses no
other call's result), and the runner hands out the replies batch by batch as the checks ask for
exactly these batches (ProcessRunner.run). A check that stops early (a case failed) makes the rest
of the plan unwanted: calls the grader would never have made have then run, so the worker is
replaced by a fresh one that replays the calls that were asked for (ProcessRunner._rollback).
"""
from __future__ import annotations

import numpy as np

from .calls import Call

# Replaying costs what the calls so far cost: past this much student time, run() batch by batch.
MAX_REPLAY_SECONDS = 1.0
# Well under protocol.MAX_MESSAGE_BYTES and MAX_HEADER_BYTES, which the worker enforces.
MAX_PLAN_BYTES = 64 << 20
MAX_PLAN_CALLS = 5000


def _array_bytes(value) -> int:
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, (tuple, list)):
        return sum(_array_bytes(item) for item in value)
    if isinstance(value, dict):
        return sum(_array_bytes(item) for item in value.values())
    return 0


def _call_bytes(call: Call) -> int:
    return _array_bytes(call.args) + _array_bytes(call.kwargs)


def replay_batches(calls: list[Call]) -> list[list[Call]]:
    """`calls` cut into consecutive batches that each fit one message."""
    batches: list[list[Call]] = [[]]
    size = 0
    for call in calls:
        cost = _call_bytes(call)
        if batches[-1] and (len(batches[-1]) >= MAX_PLAN_CALLS or size + cost > MAX_PLAN_BYTES):
            batches.append([])
            size = 0
        batches[-1].append(call)
        size += cost
    return [batch for batch in batches if batch]
