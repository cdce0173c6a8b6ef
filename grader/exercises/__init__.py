"""Exercises: what the grader knows about each graded function pair, read from the course's
declarations (grader.exercises.catalogue); the types are in grader.exercises.base."""
from __future__ import annotations

from .base import Case, Exercise
from .catalogue import Catalogue, DeclarationError


def catalogue(course=None) -> Catalogue:
    """The catalogue of `course` (a Course, a folder, or None to find it as grader.course says)."""
    from ..course import Course, find_course
    course = course if isinstance(course, Course) else find_course(course)
    return course.catalogue()


__all__ = ["Case", "Catalogue", "DeclarationError", "Exercise", "catalogue"]
