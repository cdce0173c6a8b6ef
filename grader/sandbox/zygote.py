"""The grader's side of the zygote: start it once, ask it for sandboxed workers.

One zygote serves a whole grader process (every submission of a batch, every request of a server
worker); it is started on first use and ends with the grader (it dies with its parent).
"""
from __future__ import annotations

import atexit
import json
import os
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

ZYGOTE_SCRIPT = Path(__file__).with_name("zygote_main.py")
HANDSHAKE_TIMEOUT = 30.0


# A home of the student's own under the writable /tmp (a private tmpfs in the sandbox): libraries that
# write config or caches there (matplotlib's "mkdir -p failed for path /root/.config/matplotlib")
# then work quietly, and nothing shows the grading machine's home.
STUDENT_HOME = "/tmp/home"


def clean_environment() -> dict[str, str]:
    """The zygote's (and so every worker's) whole environment: nothing of the grader's."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": STUDENT_HOME,
        "XDG_CONFIG_HOME": f"{STUDENT_HOME}/.config",
        "XDG_CACHE_HOME": f"{STUDENT_HOME}/.cache",
        "MPLCONFIGDIR": f"{STUDENT_HOME}/.config/matplotlib",
        "MPLBACKEND": "Agg",
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        # One BLAS thread: faster for small arrays, and a single-threaded process can unshare.
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


class ZygoteError(Exception):
    """The zygote could not be started or stopped answering."""


@dataclass(frozen=True)
class SandboxStatus:
    """Which isolation layers this machine gives a worker."""
    namespaces: bool
    seccomp: bool
    why: tuple[str, ...] = field(default_factory=tuple)

    @property
    def complete(self) -> bool:
        return self.namespaces and self.seccomp


class Zygote:
    """A started zygote. `wait=False` returns as soon as its process is started; `wait_ready()`
    then waits for its handshake (its interpreter start, numpy import and sandbox probe: about as
    long as the grader's own start-up, so `grade check` lets the two overlap)."""

    def __init__(self, *, wait: bool = True) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self._process = subprocess.Popen(
            [sys.executable, "-I", str(ZYGOTE_SCRIPT), str(theirs.fileno())],
            pass_fds=(theirs.fileno(),), env=clean_environment(), stdin=subprocess.DEVNULL,
            cwd="/", start_new_session=True)
        theirs.close()
        self._socket = ours
        self._socket.settimeout(HANDSHAKE_TIMEOUT)
        self._reader = ours.makefile("rb")
        self._lock = threading.Lock()
        self._ready = False
        if wait:
            self.wait_ready()

    def wait_ready(self) -> "Zygote":
        """Wait for the handshake (once): then `pid` and `status` are known. ZygoteError if it fails."""
        with self._lock:
            if not self._ready:
                hello = self._read_line()
                status = hello["status"]
                self.pid = hello["pid"]
                self.status = SandboxStatus(bool(status["namespaces"]), bool(status["seccomp"]),
                                            tuple(status["why"]))
                self._ready = True
        return self

    def _read_line(self) -> dict:
        try:
            line = self._reader.readline()
        except OSError as error:
            raise ZygoteError(f"the zygote did not answer ({error})") from None
        if not line:
            raise ZygoteError("the zygote exited")
        return json.loads(line)

    def spawn(self, *, path: str, read_fd: int, write_fd: int, output_fd: int, sandbox: bool,
              memory_bytes: int, cpu_seconds: int) -> int:
        """Fork a worker that talks over the given descriptors; returns the pid to kill it by."""
        request = json.dumps({"path": path, "sandbox": sandbox, "memory_bytes": memory_bytes,
                              "cpu_seconds": cpu_seconds}).encode()
        with self._lock:
            try:
                socket.send_fds(self._socket, [request], [read_fd, write_fd, output_fd])
            except OSError as error:
                raise ZygoteError(f"the zygote is gone ({error})") from None
            answer = self._read_line()
        if "pid" not in answer:
            raise ZygoteError(answer.get("error", "the zygote refused"))
        return int(answer["pid"])

    def alive(self) -> bool:
        return self._process.poll() is None

    def close(self) -> None:
        if not self._ready and self.alive():
            # Started and never used (the grade stopped before it needed a worker): it holds
            # nothing yet, and left to finish starting it would only find its socket closed.
            self._process.kill()
        try:
            self._socket.close()
            self._reader.close()
        finally:
            try:
                self._process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()


_shared: Zygote | None = None
_shared_lock = threading.Lock()


def shared_zygote() -> Zygote:
    """This process's zygote, ready, started on first use (and again if it died)."""
    global _shared
    with _shared_lock:
        if _shared is None or not _shared.alive() or _shared_pid != os.getpid():
            _start_shared()
        try:
            return _shared.wait_ready()
        except ZygoteError:
            _shared.close()
            _shared = None      # the next grade tries a fresh one
            raise


def start_shared_zygote() -> None:
    """Start this process's zygote without waiting for it, so that it starts while the grader
    imports, loads the submission and builds cases; `shared_zygote()` then waits for it."""
    with _shared_lock:
        if _shared is None or not _shared.alive() or _shared_pid != os.getpid():
            _start_shared()


_shared_pid = None


def _start_shared() -> None:
    global _shared, _shared_pid
    if _shared is not None and _shared_pid == os.getpid():
        _shared.close()         # it died: release its socket before starting the next one
    _shared = None              # nothing stale is left if the start below fails
    _shared = Zygote(wait=False)
    _shared_pid = os.getpid()   # a forked grader (batch pool) must start its own


@atexit.register
def _close_shared() -> None:
    if _shared is not None and _shared_pid == os.getpid():
        _shared.close()
