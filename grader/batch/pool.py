"""Grading many students on every core, surviving a grading process that dies.

At most `jobs` students are in flight at once, so when a pool process dies (BrokenProcessPool)
only those few are suspects. Each suspect is then graded alone in a fresh one-process pool: the
innocent ones get their grade, and the one that kills its process again is reported as an error.
Then a fresh pool carries on with the rest.
"""
from __future__ import annotations

import multiprocessing
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Iterator

from ..memory_bound import bound_grading_process
from .grading import Task, failure, grade_student, ping
from .sources import BatchError

# A fresh interpreter per pool process: nothing of the caller's state (threads, a zygote,
# open sockets of a server) is inherited, and the batch behaves the same on every platform.
CONTEXT = multiprocessing.get_context("spawn")
CRASHED = ("the grading process crashed while grading this submission, twice (did it exhaust the "
           "machine's memory?); grade it alone with `grade check` to see what happens")


def grade_all(tasks: list[Task], jobs: int, grade_fn=None) -> Iterator[tuple[Task, dict]]:
    """(task, result) for every task, as each finishes; every task yields exactly once."""
    queue = deque(tasks)
    while queue:
        suspects: list[Task] = []
        yield from _run_pool(queue, jobs, grade_fn, suspects)
        for task in suspects:
            yield task, _grade_alone(task, grade_fn)


def _run_pool(queue: deque, jobs: int, grade_fn, suspects: list[Task]) -> Iterator[tuple[Task, dict]]:
    """Grade from `queue` until it is empty or the pool breaks; the tasks in flight when it broke
    go to `suspects`, the rest stay queued."""
    pool = ProcessPoolExecutor(max_workers=max(1, min(jobs, len(queue))), mp_context=CONTEXT,
                               initializer=bound_grading_process)
    running: dict[Future, Task] = {}
    broken = False
    try:
        _check_starts(pool)
        while (queue and not broken) or running:
            while queue and not broken and len(running) < jobs:
                task = queue.popleft()
                try:
                    running[pool.submit(grade_student, task, grade_fn)] = task
                except BrokenProcessPool:
                    queue.appendleft(task)
                    broken = True
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                task = running.pop(future)
                try:
                    yield task, future.result()
                except BrokenProcessPool:
                    broken = True
                    suspects.append(task)
                except Exception as error:  # noqa: BLE001  -- e.g. a result that could not be sent back
                    yield task, failure(task.entry.student, f"the grader failed on this submission ({error})")
    finally:
        # Normally nothing is left running; on an interrupt, do not wait for the students in flight.
        pool.shutdown(wait=not running, cancel_futures=True)


def _check_starts(pool: ProcessPoolExecutor) -> None:
    """A pool whose processes cannot even start would blame every student: stop with the cause."""
    try:
        pool.submit(ping).result()
    except BrokenProcessPool:
        raise BatchError(
            "the batch could not start its grading processes. They are fresh Python processes that "
            "re-import the main module: call run_batch from a script file, under "
            "`if __name__ == \"__main__\":`, or use `grade batch`.") from None


def _grade_alone(task: Task, grade_fn) -> dict:
    """Grade one suspect in a pool of its own: a second crash is its own doing."""
    with ProcessPoolExecutor(max_workers=1, mp_context=CONTEXT, initializer=bound_grading_process) as pool:
        try:
            return pool.submit(grade_student, task, grade_fn).result()
        except BrokenProcessPool:
            return failure(task.entry.student, CRASHED)
        except Exception as error:  # noqa: BLE001
            return failure(task.entry.student, f"the grader failed on this submission ({error})")
