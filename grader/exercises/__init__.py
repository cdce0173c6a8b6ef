"""Every exercise the grader knows, by assignment."""
from __future__ import annotations

from . import gates, layers
from .base import Case, Exercise

ASSIGNMENTS: dict[str, list[Exercise]] = {
    "gates": gates.EXERCISES,
    "layers": layers.EXERCISES,
}

ALL_EXERCISES: list[Exercise] = [ex for exercises in ASSIGNMENTS.values() for ex in exercises]


def exercises_defining(names: set[str]) -> list[Exercise]:
    """Exercises any of whose student functions appear in `names`."""
    return [ex for ex in ALL_EXERCISES if names & set(ex.functions)]


__all__ = ["ASSIGNMENTS", "ALL_EXERCISES", "Case", "Exercise", "exercises_defining"]
