"""What an exercise declaration imports: the declaration types and the helpers declarations use.

A course declares its exercises in two files per assignment (see docs/authoring-exercises.md):

    exercises/<assignment>/assignment.py   EXERCISES = [Exercise(...), ...]   ships to students
    reference/<assignment>/hidden.py       HIDDEN = {"name": Hidden(...), ...} never ships

Both are trusted instructor code: they run in the grader's own process, never in a student's
sandboxed worker, and a student's release carries the first only.
"""
from __future__ import annotations

from .compare import allclose
from .diagnosis.mistake_ids import value_mistake
from .diagnosis.shapes import broadcast_axes, fmt, sum_to
from .diagnosis.slips import choose_limit
from .diagnosis.tracebacks import code_lines, failing_line
from .exercises.base import (
    Case,
    ChainRule,
    Convention,
    Exercise,
    Extreme,
    Hidden,
    Mistake,
    Path,
    Rejection,
    Stability,
    State,
    constant_at,
    either,
)
from .exercises.kinds import Kind, KindRun, KindTest
from .graphs.diagnosis import NodeMistake
from .graphs.kind import GraphHidden, StagedGraph
from .results import PASS, Finding, Status


__all__ = ["allclose", "Case", "ChainRule", "Convention", "Exercise", "Extreme", "Finding", "GraphHidden", "Hidden",
           "Kind", "KindRun", "KindTest", "Mistake", "NodeMistake", "PASS", "Path", "Rejection", "Stability", "StagedGraph",
           "State", "Status", "broadcast_axes", "choose_limit", "code_lines", "constant_at", "either", "failing_line", "fmt",
           "sum_to", "value_mistake"]
