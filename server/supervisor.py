"""`grade serve`'s grading workers, kept alive: a worker that dies (SIGKILL, a crash, the OOM
killer) is reaped, logged and started again at once; one that keeps dying soon after its start is
restarted after a growing pause instead of in a tight loop. What it was grading comes back through
its expired lease (server.queue.lifecycle), not through the supervisor."""
from __future__ import annotations

import logging
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger("server.supervisor")


@dataclass
class Slot:
    """One worker's place: its current process, how often it died young in a row, when it may start."""
    number: int
    process: subprocess.Popen | None = None
    started: float = 0.0
    quick_deaths: int = 0
    restart_at: float | None = None
    restarts: int = 0
    history: list[str] = field(default_factory=list)


class Supervisor:
    """Starts `count` workers with `start()` and keeps them running until `stop()`."""

    def __init__(self, start: Callable[[], subprocess.Popen], count: int, *, stable_seconds: float = 30.0,
                 first_pause: float = 1.0, longest_pause: float = 60.0, poll_seconds: float = 0.2,
                 clock: Callable[[], float] = time.monotonic, say: Callable[[str], None] | None = None):
        self.start_worker, self.clock = start, clock
        self.stable_seconds, self.first_pause, self.longest_pause = stable_seconds, first_pause, longest_pause
        self.poll_seconds = poll_seconds
        self.say = say or log.warning
        self.slots = [Slot(n + 1) for n in range(count)]
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def processes(self) -> list[subprocess.Popen]:
        return [slot.process for slot in self.slots if slot.process is not None]

    def start(self) -> "Supervisor":
        """Start every worker, then watch them from a daemon thread."""
        with self._lock:
            for slot in self.slots:
                self._launch(slot)
        self._thread = threading.Thread(target=self._watch, name="worker-supervisor", daemon=True)
        self._thread.start()
        return self

    def _launch(self, slot: Slot) -> None:
        slot.process, slot.started, slot.restart_at = self.start_worker(), self.clock(), None

    def check(self) -> None:
        """One look at every worker: reap and log the dead, start those whose pause is over."""
        with self._lock:
            if self._stopping.is_set():
                return
            now = self.clock()
            for slot in self.slots:
                if slot.process is not None and slot.process.poll() is not None:    # poll() reaps it
                    self._died(slot, now)
                if slot.process is None and slot.restart_at is not None and now >= slot.restart_at:
                    self._launch(slot)
                    slot.restarts += 1
                    self.say(f"grading worker {slot.number} started again (pid {slot.process.pid})")

    def _died(self, slot: Slot, now: float) -> None:
        code, pid = slot.process.returncode, slot.process.pid
        how = f"killed by signal {-code}" if code < 0 else f"exited with status {code}"
        lived = now - slot.started
        slot.quick_deaths = slot.quick_deaths + 1 if lived < self.stable_seconds else 1
        # The first death in a while restarts at once; each quick one after it waits twice as long.
        pause = 0.0 if slot.quick_deaths <= 1 else min(self.first_pause * 2 ** (slot.quick_deaths - 2),
                                                        self.longest_pause)
        slot.process, slot.restart_at = None, now + pause
        slot.history.append(how)
        self.say(f"grading worker {slot.number} (pid {pid}) {how} after {lived:.1f} s; "
                 + ("starting another now" if not pause else
                    f"it keeps dying, so starting another in {pause:g} s"))

    def _watch(self) -> None:
        while not self._stopping.wait(self.poll_seconds):
            try:
                self.check()
            except Exception:  # noqa: BLE001 - e.g. a failed fork: the next look tries again
                log.exception("supervising the grading workers failed; retrying")

    def stop(self, timeout: float = 10.0) -> None:
        """Stop watching, then terminate every worker (SIGKILL after `timeout`)."""
        self._stopping.set()
        with self._lock:
            children = self.processes
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if self._thread is not None:
            self._thread.join(timeout=2)
