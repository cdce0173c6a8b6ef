"""Runs student code in a separate, sandboxed worker process, never in the grader's own.

Workers are forked by the zygote (grader.sandbox) into their own namespaces, with seccomp,
resource limits and a clean environment; their stdout/stderr go to a file (shown to the student
as theirs, never parsed). Requests and responses travel over two dedicated pipes. Each call has a
deadline; a worker that misses it, dies or sends garbage is killed — with everything it started —
and a fresh one is forked (and the submission re-imported) for the next batch.

A round trip per check and case is what grading used to wait on, so the grader can also send a
plan (grader.runner.plan): every call the next checks will make if each case passes, in one
message. The worker runs it ahead; run() serves each planned batch from its replies while the
checks ask for exactly what was planned, in order, and replaces the worker when they stop asking.
"""
from __future__ import annotations

import os
import select
import signal
import tempfile
import time
from collections import deque
from pathlib import Path

from ..sandbox.zygote import SandboxStatus, Zygote, ZygoteError, shared_zygote
from . import protocol
from .calls import Call, Outcome, encode_calls
from .outcome_decoding import decode_outcome
from .plan import MAX_PLAN_BYTES, MAX_PLAN_CALLS, MAX_REPLAY_SECONDS, replay_batches

MAX_CAPTURED_OUTPUT = 64 * 1024
# What the grader takes in from one submission's workers: one reply, and all replies of a grade.
# Far above any answer a check asks for (the largest case's arrays are a few hundred KiB), they
# bound what a student's replies can make the grader hold: a reply decodes to no more bytes than
# it carried (one array per buffer), and outcomes are kept while their exercise is graded.
MAX_REPLY_BYTES = 64 << 20
MAX_RECEIVED_BYTES = 512 << 20


class ProcessRunner:
    """Runs calls of one submission in a worker process. Use as a context manager."""

    def __init__(self, path: str | os.PathLike, *, call_timeout: float = 2.0,
                 import_timeout: float = 10.0, total_timeout: float = 120.0,
                 memory_bytes: int = 1 << 30, sandbox: bool = True, zygote: Zygote | None = None):
        self.path = Path(path).resolve()
        self.call_timeout = call_timeout
        self.import_timeout = import_timeout
        self.total_timeout = total_timeout
        self.deadline = time.monotonic() + total_timeout
        self.memory_bytes = memory_bytes
        self.sandbox = sandbox
        self._zygote = zygote
        self.pid: int | None = None
        self._load_error: Outcome | None = None
        self._timed_out: dict[str, Outcome] = {}   # a function that timed out is not run again
        self._output = tempfile.TemporaryFile()
        self._output_at_spawn = 0
        # Every call the current worker has answered, in order: what a fresh worker replays to be
        # in the same state, when the planned calls it ran ahead turn out not to be wanted.
        self._history: list[Call] = []
        self._history_seconds = 0.0
        self._planned: deque[list[Call]] = deque()
        self.plan_followed = True
        self._importing = False            # the worker was asked to import and has not answered yet
        self._import_deadline = 0.0
        self._received = 0                 # bytes of arrays received from every worker of this runner
        self._aside: ProcessRunner | None = None

    @property
    def zygote(self) -> Zygote:
        if self._zygote is None:
            self._zygote = shared_zygote()
        return self._zygote

    @property
    def sandbox_status(self) -> SandboxStatus:
        """The isolation a worker of this runner actually gets."""
        if not self.sandbox:
            return SandboxStatus(False, False, ("sandbox turned off",))
        return self.zygote.status

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> "ProcessRunner":
        # Only started: the grader builds its cases while the worker imports the submission, and
        # the first thing that needs the worker waits for the import (_ensure_worker).
        self._start_worker()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _spawn(self) -> None:
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        try:
            self.pid = self.zygote.spawn(
                path=str(self.path), read_fd=to_worker_r, write_fd=from_worker_w,
                output_fd=self._output.fileno(), sandbox=self.sandbox, memory_bytes=self.memory_bytes,
                cpu_seconds=int(self.total_timeout) + 5)
        finally:
            os.close(to_worker_r)
            os.close(from_worker_w)
        self._send_fd, self._recv_fd = to_worker_w, from_worker_r
        self._reader = protocol.Reader(from_worker_r, MAX_REPLY_BYTES)
        self._output_at_spawn = os.fstat(self._output.fileno()).st_size
        self._history, self._history_seconds = [], 0.0

    def _start_worker(self) -> None:
        """Fork a worker and ask it to import the submission, without waiting for the answer."""
        if self._load_error is not None or self.pid is not None:
            return
        try:
            self._spawn()
        except ZygoteError as error:
            self._load_error = Outcome("crashed", detail=f"the grader could not start a worker ({error})")
            return
        self._import_deadline = min(self.deadline, time.monotonic() + self.import_timeout)
        try:
            protocol.write_message(self._send_fd, {"op": "import", "path": str(self.path)}, [])
            self._importing = True
        except BrokenPipeError:
            self._import_failed(Outcome("crashed", detail=self._death_note("while importing your file")))

    def _ensure_worker(self) -> bool:
        """A live worker with the submission imported; False if that cannot be had."""
        self._start_worker()
        if self._load_error is not None:
            return False
        if not self._importing:
            return True
        self._importing = False
        try:
            header, buffers = self._reader.read_message(self._import_deadline)
            outcome = decode_outcome(header, buffers)
        except protocol.Timeout:
            outcome = Outcome("timeout", detail=f"importing your file took more than {self.import_timeout:g} s")
        except protocol.Closed:
            outcome = Outcome("crashed", detail=self._death_note("while importing your file"))
        except protocol.ProtocolError as error:
            outcome = Outcome("invalid", detail=f"the worker sent something unreadable ({error})")
        if outcome.ok:
            self._history_seconds = outcome.seconds   # a replay imports the file again
            return True
        self._import_failed(outcome)
        return False

    def _import_failed(self, outcome: Outcome) -> None:
        self._importing = False
        self._kill()
        self._load_error = outcome

    def load_error(self) -> Outcome | None:
        """Why the submission could not be imported, if it could not."""
        self._ensure_worker()
        return self._load_error

    def aside(self) -> "ProcessRunner":
        """A second worker for the same submission, for calls that must leave no trace in this one:
        re-runs of the student's code with a change of the grader's (grader.checks.code_fixes). What
        it prints is never read, and nothing it runs is replayed here or disturbs this one's plan.
        It is started when first asked for, shares this runner's deadline, and closes with it."""
        if self._aside is None:
            self._aside = ProcessRunner(self.path, call_timeout=self.call_timeout, import_timeout=self.import_timeout,
                                        total_timeout=max(self.deadline - time.monotonic(), 0.0),
                                        memory_bytes=self.memory_bytes, sandbox=self.sandbox, zygote=self._zygote)
        return self._aside

    def close(self) -> None:
        if self._aside is not None:
            self._aside.close()
        if self.pid is not None:
            try:
                protocol.write_message(self._send_fd, {"op": "exit"}, [])
                protocol.read_message(self._recv_fd, time.monotonic() + 0.5)   # EOF once it has exited
            except (OSError, protocol.Closed, protocol.Timeout, protocol.ProtocolError):
                pass
            self._kill()
        self._output.close()

    def _kill(self, wait: bool = False) -> None:
        """Kill the worker; in a pid namespace that kills everything the student started.
        `wait`: until its end of the reply pipe closes, so that it writes no more output."""
        pid, self.pid = self.pid, None
        self._planned.clear()
        self._importing = False
        if pid is None:
            return
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if wait:
            _drain_until_closed(self._recv_fd, time.monotonic() + 1.0)
        for fd in (self._send_fd, self._recv_fd):
            try:
                os.close(fd)
            except OSError:
                pass

    @staticmethod
    def _death_note(when: str) -> str:
        return (f"the process running your code ended {when}: did your code call exit() or os._exit(), "
                "run out of memory or crash the interpreter?")

    # -- calls -----------------------------------------------------------------------------

    def run(self, calls: list[Call]) -> list[Outcome]:
        """Run calls in order in one message; one Outcome per call, always."""
        if not calls:
            return []
        if self._planned:
            if calls is self._planned[0]:
                self._planned.popleft()
                return self._collect(calls)
            self._rollback()
        if not self._ensure_worker():
            return [self._load_error] * len(calls)
        stuck = next((i for i, call in enumerate(calls) if call.function in self._timed_out), None)
        if stuck is not None:
            # Everything before the call to a function known to hang still runs.
            lost = Outcome("skipped", detail="not run: an earlier call of this check failed to finish")
            return [*self.run(calls[:stuck]), self._timed_out[calls[stuck].function],
                    *[lost] * (len(calls) - stuck - 1)]
        if not self._send(*encode_calls(calls)):
            self._kill()
            return [Outcome("crashed", detail=self._death_note("before it could be called"))] * len(calls)
        return self._collect(calls)

    def _send(self, header: dict, buffers: list[bytes]) -> bool:
        try:
            protocol.write_message(self._send_fd, header, buffers)
        except BrokenPipeError:
            return False
        return True

    def _collect(self, calls: list[Call]) -> list[Outcome]:
        """The worker's replies to `calls`, which it has been sent; it is killed if one fails to come."""
        outcomes: list[Outcome] = []
        for call in calls:
            outcome = self._receive(call)
            outcomes.append(outcome)
            if outcome.status == "timeout":
                self._timed_out[call.function] = outcome
            if outcome.status in ("timeout", "crashed", "invalid"):
                self._kill()
                self.plan_followed = False
                lost = Outcome("skipped", detail="not run: an earlier call of this check failed to finish")
                outcomes.extend([lost] * (len(calls) - len(outcomes)))
                return outcomes
        self._history.extend(calls)
        self._history_seconds += sum(outcome.seconds for outcome in outcomes)
        return outcomes

    def _receive(self, call: Call) -> Outcome:
        deadline = min(self.deadline, time.monotonic() + self.call_timeout)
        try:
            header, buffers = self._reader.read_message(deadline)
        except protocol.Timeout:
            if time.monotonic() >= self.deadline:
                return Outcome("timeout", detail="grading this submission ran out of time")
            return Outcome("timeout", detail=f"{call.function} took more than {self.call_timeout:g} s")
        except protocol.Closed:
            return Outcome("crashed", detail=self._death_note(f"during {call.function}"))
        except protocol.ProtocolError as error:
            return Outcome("invalid", detail=f"{call.function} sent something the grader cannot read ({error})")
        self._received += sum(map(len, buffers))
        if self._received > MAX_RECEIVED_BYTES:
            # From here on every call gets this answer (as if the file could not be loaded): the
            # grader takes in no more from this submission.
            self._load_error = Outcome("invalid", detail=(
                f"your functions returned more than {MAX_RECEIVED_BYTES >> 20} MiB of data in all, far more than "
                "the checks' answers take; the grader stopped reading them"))
            return self._load_error
        return decode_outcome(header, buffers)

    # -- plans -----------------------------------------------------------------------------

    def plan(self, batches: list[list[Call]]) -> None:
        """Send, in one message, the batches that the next run() calls will ask for if all goes well.

        Nothing is sent where running ahead could cost more than it saves: a call of a function
        that hung, or a worker whose calls so far took long (replaying them would, see _rollback).
        """
        self.end_plan()
        self.plan_followed = True
        calls = [call for batch in batches for call in batch]
        if (not calls or len(calls) > MAX_PLAN_CALLS or self._history_seconds > MAX_REPLAY_SECONDS
                or not self._ensure_worker() or any(call.function in self._timed_out for call in calls)):
            return
        header, buffers = encode_calls(calls)
        if sum(map(len, buffers)) > MAX_PLAN_BYTES:
            return
        if self._send(header, buffers):
            self._planned.extend(batches)
        # else the worker is dead: the next run() finds that out, as it would have without a plan

    def end_plan(self) -> bool:
        """Close the plan; True if the checks asked for every planned batch, in order."""
        if self._planned:
            self._rollback()
        return self.plan_followed

    def _rollback(self) -> None:
        """The checks asked for something else than the plan (a case failed, so its check stopped):
        the worker has run, or is running, planned calls the grader would never have made, which
        may have printed, changed the student's globals or be stuck. It is replaced by a fresh
        worker that replays exactly the calls that were asked for, so that from here on every call
        meets the same state and the captured output reads as if nothing had run ahead."""
        history = self._history
        self.plan_followed = False
        self._kill(wait=True)
        os.ftruncate(self._output.fileno(), self._output_at_spawn)
        os.lseek(self._output.fileno(), self._output_at_spawn, os.SEEK_SET)
        for batch in replay_batches(history):
            if not self._ensure_worker():
                return
            if not self._send(*encode_calls(batch)):
                self._kill()
                return
            self._collect(batch)

    def captured_output(self) -> str:
        """What the student's code printed, truncated (empty once the runner is closed)."""
        if self._output.closed:
            return ""
        # The worker writes into this same open file and shares its offset: pread leaves it where
        # the worker's next write belongs (a seek and read here would have it overwrite its output).
        fd = self._output.fileno()
        size = os.fstat(fd).st_size
        text = os.pread(fd, MAX_CAPTURED_OUTPUT, 0).decode("utf-8", "replace")
        if size > MAX_CAPTURED_OUTPUT:
            text += f"\n... ({size - MAX_CAPTURED_OUTPUT} more bytes of output not shown)"
        return text


def _drain_until_closed(fd: int, deadline: float) -> None:
    """Read and drop what a killed worker had written, until its end of the pipe is closed."""
    try:
        while select.select([fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
            if not os.read(fd, 1 << 20):
                return
    except OSError:
        pass
