"""How the class gets there: per check, the attempt on which students first pass it, how the share
failing it moves from one attempt to the next, and checks that judged the same code two ways.

Every figure comes from check_histories (one row per student and check, kept by the queue as grades
land), so no page reads every attempt's test rows. A check passes on an attempt when every one of
its cases (public and hidden) passed; attempts are counted as the student's graded attempts, in order
(an attempt that ended in our own error is not one).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Assignment, CheckHistory
from ..models.histories import HEAD_ATTEMPTS as ATTEMPTS_SHOWN, LETTER_FAILING
from .latest import functions_of, not_students


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
    h = CheckHistory
    # Grouped in SQL down to a few dozen (head, first_pass, flaky) groups per check, read in index
    # order; the per-attempt counts are then a sum over those groups, not over students.
    groups = session.execute(
        select(h.function, h.check, h.head, h.first_pass, h.flaky, func.count())
        .where(h.assignment_id == assignment.id, h.user_id.not_in(not_students(session, assignment)))
        .group_by(h.function, h.check, h.head, h.first_pass, h.flaky)).all()
    totals: dict[tuple[str, str], dict] = {}
    for function, check, head, first_pass, flaky, n in groups:
        t = totals.setdefault((function, check), dict(students=0, passed=0, first_try=0, attempts_sum=0, flaky=0,
                                                      tried=[0] * ATTEMPTS_SHOWN, failing=[0] * ATTEMPTS_SHOWN))
        t["students"] += n
        t["flaky"] += n if flaky else 0
        if first_pass is not None:
            t["passed"] += n
            t["first_try"] += n if first_pass == 1 else 0
            t["attempts_sum"] += n * first_pass
        for k, letter in enumerate(head):
            t["tried"][k] += n
            t["failing"][k] += n if letter == LETTER_FAILING else 0
    order = {name: i for i, name in enumerate(functions_of(assignment))}
    found = [CheckProgress(f, c, t["students"], t["passed"], t["first_try"],
                           t["attempts_sum"] / t["passed"] if t["passed"] else None, t["flaky"],
                           tuple(t["tried"]), tuple(t["failing"]))
             for (f, c), t in totals.items()]
    return sorted(found, key=lambda r: (order.get(r.function, len(order)), r.function, r.check))
