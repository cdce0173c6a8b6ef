"""Runs student code in a separate worker process, never in the grader's own.

The worker is `python -I worker_main.py` with a clean environment, stdin from /dev/null and its
stdout/stderr captured to a file (shown to the student as theirs, never parsed). Requests and
responses travel over two dedicated pipes. Each call has a deadline; a worker that misses it, dies
or sends garbage is killed, and a fresh one is started (and the submission re-imported) for the
next batch. Hardening (namespaces, seccomp) plugs in through `command` and `preexec`.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import protocol
from .calls import Call, Outcome, encode_calls
from .outcome_decoding import decode_outcome

WORKER_SCRIPT = Path(__file__).with_name("worker_main.py")
MAX_CAPTURED_OUTPUT = 64 * 1024


def clean_environment() -> dict[str, str]:
    """The worker's whole environment: nothing of the grader's (no secrets, no database URLs)."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        # One BLAS thread: faster for small arrays, and a single-threaded worker can be sandboxed.
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


class ProcessRunner:
    """Runs calls of one submission in a worker process. Use as a context manager."""

    def __init__(self, path: str | os.PathLike, *, call_timeout: float = 2.0,
                 import_timeout: float = 10.0, total_timeout: float = 120.0,
                 memory_bytes: int = 1 << 30):
        self.path = Path(path).resolve()
        self.call_timeout = call_timeout
        self.import_timeout = import_timeout
        self.deadline = time.monotonic() + total_timeout
        self.memory_bytes = memory_bytes
        self.process: subprocess.Popen | None = None
        self._load_error: Outcome | None = None
        self._output = tempfile.TemporaryFile()
        self._started = False

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> "ProcessRunner":
        self._ensure_worker()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _spawn(self) -> None:
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        command = [sys.executable, "-I", str(WORKER_SCRIPT), str(to_worker_r), str(from_worker_w),
                   str(self.memory_bytes)]
        self.process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=self._output, stderr=subprocess.STDOUT,
            env=clean_environment(), pass_fds=(to_worker_r, from_worker_w), cwd=str(self.path.parent),
            start_new_session=True,  # its own process group, so a kill takes its children too
        )
        os.close(to_worker_r)
        os.close(from_worker_w)
        self._send_fd, self._recv_fd = to_worker_w, from_worker_r

    def _ensure_worker(self) -> bool:
        """A live worker with the submission imported; False if that cannot be had."""
        if self._load_error is not None:
            return False
        if self.process is not None and self.process.poll() is None:
            return True
        self._spawn()
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
        if self.process is not None:
            try:
                protocol.write_message(self._send_fd, {"op": "exit"}, [])
                self.process.wait(timeout=0.5)
            except (OSError, subprocess.TimeoutExpired):
                pass
            self._kill()
        self._output.close()

    def _kill(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        process.wait()
        for fd in (self._send_fd, self._recv_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        self._last_returncode = process.returncode

    def _death_note(self, when: str) -> str:
        process = self.process
        code = process.wait(timeout=1) if process is not None else None
        if code is not None and code < 0:
            name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else -code
            return f"the process running your code was killed by signal {name} {when}"
        return f"your code ended the process running it (exit code {code}) {when}"

    # -- calls -----------------------------------------------------------------------------

    def run(self, calls: list[Call]) -> list[Outcome]:
        """Run calls in order in one message; one Outcome per call, always."""
        if not calls:
            return []
        if not self._ensure_worker():
            return [self._load_error] * len(calls)
        header, buffers = encode_calls(calls)
        try:
            protocol.write_message(self._send_fd, header, buffers)
        except BrokenPipeError:
            return [Outcome("crashed", detail=self._death_note("before it could be called"))] * len(calls)
        outcomes: list[Outcome] = []
        for call in calls:
            outcome = self._receive(call)
            outcomes.append(outcome)
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
