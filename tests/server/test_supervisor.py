"""server.supervisor with stand-in processes and a hand-driven clock: a dead worker is reaped,
logged and restarted at once; one that keeps dying young waits longer each time; a worker that
lived long is restarted at once again; stop() stops them all."""
from __future__ import annotations

from server.supervisor import Supervisor


class FakeProcess:
    count = 0

    def __init__(self):
        FakeProcess.count += 1
        self.pid = 1000 + FakeProcess.count
        self.returncode = None
        self.terminated = False

    def poll(self):
        return self.returncode

    def terminate(self):
        self.terminated, self.returncode = True, -15

    def wait(self, timeout=None):
        return self.returncode


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_a_dead_worker_is_restarted_at_once_then_with_a_growing_pause():
    clock, said, started = Clock(), [], []

    def start():
        started.append(FakeProcess())
        return started[-1]
    supervisor = Supervisor(start, 2, stable_seconds=30, first_pause=1, longest_pause=4, clock=clock,
                            say=said.append)
    for slot in supervisor.slots:          # start without the watching thread: the test drives check()
        supervisor._launch(slot)
    assert len(started) == 2

    clock.now += 60                         # worker 1 ran a minute, then SIGKILL
    started[0].returncode = -9
    supervisor.check()
    assert len(started) == 3 and supervisor.slots[0].process is started[2]
    assert "grading worker 1 (pid 1001) killed by signal 9 after 60.0 s; starting another now" in said[0]

    pauses = []
    for _ in range(4):                      # it now dies right after each start
        clock.now += 0.5
        supervisor.slots[0].process.returncode = 1
        supervisor.check()
        pauses.append(supervisor.slots[0].restart_at - clock.now)
        assert supervisor.slots[0].process is None
        clock.now += pauses[-1]
        supervisor.check()
        assert supervisor.slots[0].process is not None
    assert pauses == [1, 2, 4, 4]                         # doubling, capped
    assert any("keeps dying, so starting another in 2 s" in line for line in said)
    assert supervisor.slots[1].process is started[1]      # the healthy one was left alone

    clock.now += 45                                       # this one lives long: the next death restarts at once
    supervisor.slots[0].process.returncode = -9
    supervisor.check()
    assert supervisor.slots[0].process is not None and supervisor.slots[0].quick_deaths == 1

    alive = supervisor.processes
    supervisor.stop()
    assert all(process.terminated for process in alive)
    supervisor.check()                                    # after stop, nothing is started again
    assert all(slot.process is None or slot.process.terminated for slot in supervisor.slots)
