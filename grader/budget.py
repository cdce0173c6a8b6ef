"""The time budget of one whole grade.

Each call of a student function has its own deadline, but a correct submission that is merely slow
(Python loops, 0.5 s a call) would pass every deadline and still keep the grader busy for minutes:
the grade as a whole gets a budget too. Checks that would start after it has run out are not run
and are reported as timeouts; every point earned before is kept.
"""
from __future__ import annotations

import os
import time

from .results import Finding, Status

DEFAULT_SECONDS = 60.0
ENV_VAR = "GRADER_BUDGET_SECONDS"


class InvalidBudget(ValueError):
    """The budget asked for is not a positive number of seconds."""


class Budget:
    """A deadline on the monotonic clock, started when the grade starts."""

    def __init__(self, seconds: float | None = None):
        self.seconds = float(seconds if seconds is not None else default_seconds())
        if not self.seconds > 0:
            raise InvalidBudget(f"the time budget must be a positive number of seconds, not {self.seconds:g}")
        self.deadline = time.monotonic() + self.seconds

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.deadline

    def finding(self) -> Finding:
        """What a check that the budget left no time for reports."""
        return Finding(Status.TIMEOUT,
                       f"not run: grading this submission used up its time budget ({self.seconds:g} s) "
                       "before this check could run; the points already earned are kept.",
                       "Your code is slow: replace Python loops over elements with numpy operations on "
                       "whole arrays, so that every check fits in the time budget.", "timeout")


def default_seconds() -> float:
    """GRADER_BUDGET_SECONDS if set, else 60 s."""
    value = os.environ.get(ENV_VAR)
    if not value:
        return DEFAULT_SECONDS
    try:
        return float(value)
    except ValueError:
        raise InvalidBudget(f"{ENV_VAR}={value!r} is not a number of seconds") from None
