"""A runner that counts the student's calls, for tests of how many calls a check makes."""
from __future__ import annotations

from collections import Counter

from grader.runner.inprocess import InProcessRunner


class CountingRunner:
    """An in-process runner that counts the calls of each student function it is asked to make."""

    def __init__(self, path):
        self.inner, self.calls = InProcessRunner(path), Counter()

    def run(self, calls):
        self.calls.update(call.function for call in calls)
        return self.inner.run(calls)
