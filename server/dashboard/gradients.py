"""Which gradients the class gets wrong: per function and gradient (affine_backward's dx, dw, db;
batchnorm_backward's dx, dgamma, dbeta; ...), the share of students whose latest graded submission
gets that gradient wrong.

The grader names every gradient a failed gradient check found wrong (not only the first, which the
mistake id is about); the queue stores them on the test row (TestRow.wrong_gradients). A student
counts once per function and gradient, whichever gradient checks and cases showed it. Rows graded
before the grader named gradients name none: those students count as not known to be wrong.
"""
from __future__ import annotations

from dataclasses import dataclass

from grader.exercises.kinds import Kind
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..exercises import exercises_of
from ..models import Assignment
from ..models.submissions import holds_gradient
from .latest import functions_of, is_failing, latest_tests
from .mistakes import Affected, CheckRate, affected


@dataclass(frozen=True)
class GradientRate:
    function: str
    gradient: str
    students: int             # with this function graded on their latest submission
    wrong: int                # whose latest submission gets this gradient wrong

    @property
    def share(self) -> float:
        return self.wrong / self.students if self.students else 0.0


@dataclass(frozen=True)
class GradientHeatmap:
    functions: list[str]
    gradients: list[str]
    cells: dict[tuple[str, str], GradientRate]


def gradients_of(assignment: Assignment) -> dict[str, tuple[str, ...]]:
    """The assignment's functions that return gradients (a backward, or a loss that returns its dx),
    each with its gradients' names, in the grader's order."""
    chosen = set(functions_of(assignment))
    found = {}
    for exercise in exercises_of(assignment.exercise):
        if isinstance(exercise, Kind):     # graded its own way: no gradients named per function
            continue
        function = exercise.backward or exercise.forward
        if function in chosen:
            found[function] = exercise.gradient_names()
    return found


def wrong_counts(session: Session, assignment: Assignment,
                 names: dict[str, tuple[str, ...]]) -> dict[tuple[str, str], int]:
    """(function, gradient) -> students whose latest submission gets it wrong, in one GROUP BY, for
    the functions and gradients in `names` (gradients_of(assignment)).

    One count(DISTINCT result) column per gradient name (the layers assignment has five), each over
    the rows whose list holds that name: a student with dx wrong in two checks counts once.
    """
    every = list(dict.fromkeys(g for gradients in names.values() for g in gradients))
    if not every:
        return {}
    rows = latest_tests(assignment)
    columns = [func.count(func.distinct(case((holds_gradient(rows.c.wrong_gradients, g), rows.c.result_id))))
               for g in every]
    # "IS NOT NULL" spelled out: SQLite uses the partial index ix_test_results_result_gradients only
    # when the query's WHERE names its condition.
    found = session.execute(select(rows.c.function, *columns)
                            .where(rows.c.wrong_gradients.is_not(None), is_failing(rows.c.status))
                            .group_by(rows.c.function)).all()
    return {(function, g): int(n) for function, *counts in found for g, n in zip(every, counts)
            if g in names.get(function, ())}


def gradient_heatmap(session: Session, assignment: Assignment, rates: list[CheckRate]) -> GradientHeatmap:
    """The function x gradient table. Each function's students are the check heat map's (from
    `rates`: those whose latest submission has its checks), so the two maps share denominators."""
    names = gradients_of(assignment)
    students: dict[str, int] = {}
    for rate in rates:
        students[rate.function] = max(students.get(rate.function, 0), rate.students)
    wrong = wrong_counts(session, assignment, names)
    functions = [f for f in names if students.get(f)]
    cells = {(f, g): GradientRate(f, g, students[f], wrong.get((f, g), 0)) for f in functions for g in names[f]}
    gradients = list(dict.fromkeys(g for f in functions for g in names[f]))
    return GradientHeatmap(functions, gradients, cells)


def students_with_gradient(session: Session, assignment: Assignment, function: str, gradient: str,
                           limit: int = 500) -> list[Affected]:
    """Students whose latest submission gets `gradient` of `function` wrong, with where."""
    rows = latest_tests(assignment)
    return affected(session, rows, [rows.c.function == function, rows.c.wrong_gradients.is_not(None),
                                    holds_gradient(rows.c.wrong_gradients, gradient), is_failing(rows.c.status)],
                    limit)
