"""How the class gets there: per check, the attempt on which students first pass it, how the share
failing it moves from one attempt to the next, and checks that judged the same code two ways.

Every figure comes from check_histories (one row per student and check, kept by the queue as grades
land), so no page reads every attempt's test rows. A check passes on an attempt when every one of
its cases (public and hidden) passed; attempts are counted as the student's graded attempts, in order
(an attempt that ended in our own error is not one).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..models import Assignment, CheckHistory
from ..models.histories import FAILING
from .latest import functions_of, students

ATTEMPTS_SHOWN = 6        # fail share at attempts 1..6; later attempts are few and noisy


@dataclass(frozen=True)
class CheckProgress:
    function: str
    check: str
    students: int                  # enrolled students with this check on a graded attempt
    passed: int                    # of those, how many passed it on some attempt
    first_try: int                 # passed it on their first graded attempt
    mean_attempt: float | None     # mean attempt of the first pass, among those who passed
    flaky: int                     # students whose identical code got both verdicts from it
    tried: tuple[int, ...]         # students with an attempt k (k = 1..ATTEMPTS_SHOWN)
    failing: tuple[int, ...]       # of those, failing it on attempt k

    @property
    def never(self) -> int:
        return self.students - self.passed

    def fail_shares(self) -> list[float | None]:
        """Share failing it on attempt k, for k = 1..ATTEMPTS_SHOWN (None: nobody got that far)."""
        return [f / n if n else None for n, f in zip(self.tried, self.failing)]


def check_progress(session: Session, assignment: Assignment) -> list[CheckProgress]:
    enrolled = students(assignment)
    h = CheckHistory
    per_attempt = []
    for k in range(1, ATTEMPTS_SHOWN + 1):
        per_attempt += [func.sum(case((func.length(h.verdicts) >= k, 1), else_=0)),
                        func.sum(case((func.substr(h.verdicts, k, 1) == FAILING, 1), else_=0))]
    rows = session.execute(
        select(h.function, h.check, func.count(), func.count(h.first_pass),
               func.sum(case((h.first_pass == 1, 1), else_=0)), func.avg(h.first_pass),
               func.sum(case((h.flaky, 1), else_=0)), *per_attempt)
        .join(enrolled, enrolled.c.user_id == h.user_id)
        .where(h.assignment_id == assignment.id)
        .group_by(h.function, h.check)).all()
    order = {name: i for i, name in enumerate(functions_of(assignment))}
    found = [CheckProgress(f, c, int(n), int(p), int(first or 0), float(mean) if mean is not None else None,
                           int(flaky or 0), tuple(int(x or 0) for x in rest[0::2]),
                           tuple(int(x or 0) for x in rest[1::2]))
             for f, c, n, p, first, mean, flaky, *rest in rows]
    return sorted(found, key=lambda r: (order.get(r.function, len(order)), r.function, r.check))
