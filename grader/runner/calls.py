"""What the grader asks a worker to do, and what comes back. Shared by every runner."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from .protocol import Ref, encode

__all__ = ["Call", "Outcome", "Ref", "Runner", "encode_calls"]


@dataclass(frozen=True)
class Call:
    """One call of a student function inside the worker.

    `save_as` keeps the whole return value in the worker (a forward's cache never leaves it);
    `want` picks which elements of a returned tuple come back (None: the whole value);
    `return_args` sends the arguments back after the call, to see whether they were modified;
    `save_args_as` keeps the argument list in the worker, so a later call can pass the very same
    object again (a bn_param dict that carries running statistics across calls);
    `count_calls_of` names a function of the submission whose calls during this call the worker
    counts (a backward that calls its forward hundreds of times differentiates numerically);
    `helper` names a trusted helper of the worker (worker_main.HELPERS) that drives `function` (a
    class of the submission) with `args` and returns numbers (an autograd program);
    `patch` is the source of one or more functions of the submission, changed by the grader from the
    student's own (grader.diagnosis.code_fixes): the call runs with them in place of the module's.
    """
    function: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    save_as: str | None = None
    want: tuple[int, ...] | None = None
    return_args: bool = False
    save_args_as: str | None = None
    count_calls_of: str | None = None
    helper: str | None = None
    patch: str | None = None


@dataclass
class Outcome:
    """The result of one Call.

    status: ok | error | missing (not defined) | not_implemented | timeout | crashed (the worker
    died) | skipped (needed an earlier call that failed) | invalid (sent something unreadable).
    `outline` describes the raw return value ({"type": "tuple", "len": 2}); `error` holds the
    student's exception as {"type", "message", "traceback"} (traceback trimmed to their frames).
    """
    status: str
    value: Any = None
    args_after: list | None = None
    outline: dict = field(default_factory=dict)
    error: dict | None = None
    seconds: float = 0.0
    detail: str = ""
    # Calls of Call.count_calls_of made during the call; -1 when the count was switched off by the
    # call itself (it removed the worker's profiler); None when not asked for or not reported.
    counted: int | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


class Runner(Protocol):
    """Runs calls of one loaded submission. Implementations: ProcessRunner, InProcessRunner."""

    def run(self, calls: list[Call]) -> list[Outcome]: ...

    def plan(self, batches: list[list[Call]]) -> None:
        """The batches the next run() calls will pass (the very same lists) if every check passes:
        a runner may start on them at once. A hint only: run() still answers whatever it is given."""

    def end_plan(self) -> bool:
        """Forget the plan's unasked batches; True if run() was given every one, in order."""

    def load_error(self) -> Outcome | None: ...

    def captured_output(self) -> str: ...

    def aside(self) -> "Runner":
        """A runner for calls that must leave no trace in this one's worker (its state, its output,
        its plan): diagnostic re-runs of changed student code."""

    def close(self) -> None: ...


def encode_calls(calls: list[Call]) -> tuple[dict, list[bytes]]:
    """The request message for a batch of calls."""
    buffers: list[bytes] = []
    shared: dict[int, int] = {}   # the calls hold every array, so no id is reused meanwhile
    steps = [{
        "fn": call.function,
        "args": [encode(a, buffers, shared=shared) for a in call.args],
        "kwargs": {k: encode(v, buffers, shared=shared) for k, v in call.kwargs.items()},
        "save": call.save_as,
        "want": list(call.want) if call.want is not None else None,
        "return_args": call.return_args,
        "save_args": call.save_args_as,
        **({"count": call.count_calls_of} if call.count_calls_of else {}),
        **({"helper": call.helper} if call.helper else {}),
        **({"patch": call.patch} if call.patch else {}),
    } for call in calls]
    return {"op": "run", "steps": steps}, buffers
