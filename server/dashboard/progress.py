"""How the class gets there: for each check, the attempt on which students first passed it.

Unlike the other pages this reads every graded attempt, not only the latest: a check passes on an
attempt when every one of its rows (public and hidden cases) passed on that attempt's result of
record, and a student's figure is the number of their first such attempt (as the student counts
attempts). All in SQL: three GROUP BYs over test_results, nested.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..models import Assignment, Submission, SubmissionStatus, TestRow
from .latest import functions_of, students


@dataclass(frozen=True)
class CheckProgress:
    function: str
    check: str
    students: int                  # enrolled students with this check on a graded attempt
    passed: int                    # of those, how many passed it on some attempt
    first_try: int                 # passed it on attempt 1
    mean_attempt: float | None     # mean attempt number of the first pass, among those who passed

    @property
    def never(self) -> int:
        return self.students - self.passed


def check_progress(session: Session, assignment: Assignment) -> list[CheckProgress]:
    enrolled = students(assignment)
    per_attempt = (
        select(TestRow.function, TestRow.check, Submission.user_id, Submission.attempt,
               func.min(case((TestRow.status == "passed", 1), else_=0)).label("passed"))
        .join(Submission, Submission.result_id == TestRow.result_id)      # results of record only
        .join(enrolled, enrolled.c.user_id == Submission.user_id)
        .where(TestRow.assignment_id == assignment.id, Submission.status == SubmissionStatus.GRADED)
        .group_by(TestRow.function, TestRow.check, Submission.user_id, Submission.attempt)
        .subquery("per_attempt"))
    per_student = (
        select(per_attempt.c.function, per_attempt.c.check,
               func.min(case((per_attempt.c.passed == 1, per_attempt.c.attempt))).label("first"))
        .group_by(per_attempt.c.function, per_attempt.c.check, per_attempt.c.user_id)
        .subquery("per_student"))
    rows = session.execute(
        select(per_student.c.function, per_student.c.check, func.count(), func.count(per_student.c.first),
               func.sum(case((per_student.c.first == 1, 1), else_=0)), func.avg(per_student.c.first))
        .group_by(per_student.c.function, per_student.c.check)).all()
    order = {name: i for i, name in enumerate(functions_of(assignment))}
    found = [CheckProgress(f, c, int(n), int(p), int(first or 0), float(mean) if mean is not None else None)
             for f, c, n, p, first, mean in rows]
    return sorted(found, key=lambda r: (order.get(r.function, len(order)), r.function, r.check))
