"""Staged graphs on the dashboard: where the class first goes wrong, node by node.

A staged graph's report has one test row per node (and visibility), in the order the backward pass
meets the nodes (TestRow.position). A student's first wrong node is the function of the first
failing row of their latest submission: one GROUP BY over the rows at each result's smallest
failing position. A node not written yet (missing) is not where a student went wrong.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from grader.graphs.kind import CHECK, StagedGraph

from ..exercises import exercises_of
from ..models import Assignment
from .latest import is_failing, latest, latest_tests
from .mistakes import Affected, affected, mistake_meaning


@dataclass(frozen=True)
class FirstWrong:
    function: str              # the node's gradient function (dbndiff)
    students: int              # whose latest submission first goes wrong at this node
    graded: int                # students with a latest graded submission
    mistake: str | None        # the most frequent mistake there
    mistake_students: int
    says: str | None           # a hint those students read there (names the branch, the axis, ...)

    @property
    def share(self) -> float:
        return self.students / self.graded if self.graded else 0.0

    @property
    def meaning(self) -> str:
        return mistake_meaning(self.mistake) if self.mistake else ""


def graph_nodes(assignment: Assignment) -> list[str]:
    """The node functions of the assignment's staged graphs, in grading order ([] when it has none)."""
    return [f for exercise in exercises_of(assignment.exercise) if isinstance(exercise, StagedGraph)
            for f in exercise.functions]


def _first_rows(assignment: Assignment):
    """Each latest result's first failing node row: (result_id, position)."""
    rows = latest_tests(assignment)
    first = (select(rows.c.result_id, func.min(rows.c.position).label("position"))
             .where(rows.c.check == CHECK, is_failing(rows.c.status)).group_by(rows.c.result_id)
             .subquery("first_wrong"))
    return rows, first


def first_wrong_nodes(session: Session, assignment: Assignment) -> list[FirstWrong]:
    """Per node, in grading order: how many students first go wrong there, and the mistake most of
    them make there (its id, and the words of a hint they read)."""
    nodes = graph_nodes(assignment)
    if not nodes:
        return []
    rows, first = _first_rows(assignment)
    found = session.execute(
        select(rows.c.function, rows.c.mistake, func.count(), func.min(rows.c.hint))
        .join(first, and_(rows.c.result_id == first.c.result_id, rows.c.position == first.c.position))
        .group_by(rows.c.function, rows.c.mistake)).all()
    last = latest(assignment)
    graded = session.scalar(select(func.count()).select_from(last)) or 0
    per_node: dict[str, list[tuple]] = {}
    for function, mistake, count, hint in found:         # a few groups per node at most
        per_node.setdefault(function, []).append((count, mistake, hint))
    out = []
    for node in nodes:
        groups = sorted(per_node.get(node, []), key=lambda g: (-g[0], g[1] or ""))
        top = groups[0] if groups else (0, None, None)
        out.append(FirstWrong(node, sum(g[0] for g in groups), graded, top[1], top[0], top[2]))
    return out


def students_first_wrong_at(session: Session, assignment: Assignment, function: str,
                            limit: int = 500) -> list[Affected]:
    """The students whose latest submission first goes wrong at the node `function`."""
    rows, first = _first_rows(assignment)
    results = (select(rows.c.result_id)
               .join(first, and_(rows.c.result_id == first.c.result_id, rows.c.position == first.c.position))
               .where(rows.c.function == function))
    return affected(session, rows, [rows.c.result_id.in_(results), rows.c.function == function,
                                    is_failing(rows.c.status)], limit)
