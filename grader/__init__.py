"""An autograder for backprop assignments.

The public API: `grade(path, ...) -> Report` (grader.engine); the `grade` command (grader.cli).
The grader never imports web code; student code never runs in its process (grader.sandbox).
"""
from __future__ import annotations

__all__ = ["grade"]


def grade(*args, **kwargs):
    """Grade a submission; see grader.engine.grade."""
    from .engine import grade as _grade  # lazy: `from grader import notebook` stays light
    return _grade(*args, **kwargs)
