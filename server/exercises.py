"""The grader's assignments and exercises as this app's course declares them (one place to ask)."""
from __future__ import annotations

from flask import current_app

from grader.course import find_course
from grader.exercises import Catalogue, Exercise


def catalogue() -> Catalogue:
    """The catalogue of the course the app grades against (GRADER_COURSE, as the queue uses)."""
    return find_course(current_app.config.get("GRADER_COURSE")).catalogue()


def exercises_of(exercise_set: str) -> tuple[Exercise, ...]:
    """The exercises of a grader assignment (an Assignment's `exercise`); none if the course has
    no such assignment (any more)."""
    found = catalogue()
    return found[exercise_set] if exercise_set in found else ()


def mistake_meanings() -> dict[str, str]:
    """Every mistake id the course's exercises can give, with its meaning (the dashboard's words)."""
    from grader.diagnosis.mistake_ids import catalogue as mistake_catalogue
    return mistake_catalogue(catalogue().exercises())
