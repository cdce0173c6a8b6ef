"""Runs student code in a separate, sandboxed worker process, never in the grader's own.

Workers are forked by the zygote (grader.sandbox) into their own namespaces, with seccomp,
resource limits and a clean environment; their stdout/stderr go to a file (shown to the student
as theirs, never parsed). Requests and responses travel over two dedicated pipes. Each call has a
deadline; a worker that misses it, dies or sends garbage is killed — with everything it started —
and a fresh one is forked (and the submission re-imported) for the next batch.
"""
from __future__ import annotations

import os
import signal
import tempfile
import time
from pathlib import Path

from ..sandbox.zygote import SandboxStatus, Zygote, ZygoteError, shared_zygote
from . import protocol
from .calls import Call, Outcome, encode_calls
from .outcome_decoding import decode_outcome

MAX_CAPTURED_OUTPUT = 64 * 1024


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
        self._ensure_worker()
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

    def _ensure_worker(self) -> bool:
        """A live worker with the submission imported; False if that cannot be had."""
        if self._load_error is not None:
            return False
        if self.pid is not None:
            return True
        try:
            self._spawn()
        except ZygoteError as error:
            self._load_error = Outcome("crashed", detail=f"the grader could not start a worker ({error})")
            return False
        deadline = min(self.deadline, time.monotonic() + self.import_timeout)
        try:
            protocol.write_message(self._send_fd, {"op": "import", "path": str(self.path)}, [])
            header, buffers = protocol.read_message(self._recv_fd, deadline)
            outcome = decode_outcome(header, buffers)
        except protocol.Timeout:
            outcome = Outcome("timeout", detail=f"importing your file took more than {self.import_timeout:g} s")
        except (protocol.Closed, BrokenPipeError):
            outcome = Outcome("crashed", detail=self._death_note("while importing your file"))
        except protocol.ProtocolError as error:
            outcome = Outcome("invalid", detail=f"the worker sent something unreadable ({error})")
        if outcome.ok:
            return True
        self._kill()
        self._load_error = outcome
        return False

    def load_error(self) -> Outcome | None:
        """Why the submission could not be imported, if it could not."""
        self._ensure_worker()
        return self._load_error

    def close(self) -> None:
        if self.pid is not None:
            try:
                protocol.write_message(self._send_fd, {"op": "exit"}, [])
                protocol.read_message(self._recv_fd, time.monotonic() + 0.5)   # EOF once it has exited
            except (OSError, protocol.Closed, protocol.Timeout, protocol.ProtocolError):
                pass
            self._kill()
        self._output.close()

    def _kill(self) -> None:
        """Kill the worker; in a pid namespace that kills everything the student started."""
        pid, self.pid = self.pid, None
        if pid is None:
            return
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
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
        if not self._ensure_worker():
            return [self._load_error] * len(calls)
        stuck = next((i for i, call in enumerate(calls) if call.function in self._timed_out), None)
        if stuck is not None:
            # Everything before the call to a function known to hang still runs.
            lost = Outcome("skipped", detail="not run: an earlier call of this check failed to finish")
            return [*self.run(calls[:stuck]), self._timed_out[calls[stuck].function],
                    *[lost] * (len(calls) - stuck - 1)]
        header, buffers = encode_calls(calls)
        try:
            protocol.write_message(self._send_fd, header, buffers)
        except BrokenPipeError:
            self._kill()
            return [Outcome("crashed", detail=self._death_note("before it could be called"))] * len(calls)
        outcomes: list[Outcome] = []
        for call in calls:
            outcome = self._receive(call)
            outcomes.append(outcome)
            if outcome.status == "timeout":
                self._timed_out[call.function] = outcome
            if outcome.status in ("timeout", "crashed", "invalid"):
                self._kill()
                lost = Outcome("skipped", detail="not run: an earlier call of this check failed to finish")
                outcomes.extend([lost] * (len(calls) - len(outcomes)))
                break
        return outcomes

    def _receive(self, call: Call) -> Outcome:
        deadline = min(self.deadline, time.monotonic() + self.call_timeout)
        try:
            header, buffers = protocol.read_message(self._recv_fd, deadline)
        except protocol.Timeout:
            if time.monotonic() >= self.deadline:
                return Outcome("timeout", detail="grading this submission ran out of time")
            return Outcome("timeout", detail=f"{call.function} took more than {self.call_timeout:g} s")
        except protocol.Closed:
            return Outcome("crashed", detail=self._death_note(f"during {call.function}"))
        except protocol.ProtocolError as error:
            return Outcome("invalid", detail=f"{call.function} sent something the grader cannot read ({error})")
        return decode_outcome(header, buffers)

    def captured_output(self) -> str:
        """What the student's code printed, truncated (empty once the runner is closed)."""
        if self._output.closed:
            return ""
        self._output.flush()
        size = self._output.seek(0, os.SEEK_END)
        self._output.seek(0)
        text = self._output.read(MAX_CAPTURED_OUTPUT).decode("utf-8", "replace")
        if size > MAX_CAPTURED_OUTPUT:
            text += f"\n... ({size - MAX_CAPTURED_OUTPUT} more bytes of output not shown)"
        return text
