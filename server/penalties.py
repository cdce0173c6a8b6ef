"""Late penalties of attempts already made, recomputed when their deadline moves: an extension
granted or changed, an assignment's due date or late penalty edited. Each attempt whose penalty
changes is written to the audit log, and its results are put on the new penalty at once."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from . import gradebook, policy
from .models import Assignment, AuditEntry, Enrolment, Extension, Role, Submission, SubmissionStatus


@dataclass(frozen=True)
class Change:
    submission_id: int
    user_id: int
    attempt: int
    old: tuple[int, float]        # (late days, penalty %)
    new: tuple[int, float]


def penalty_for(assignment: Assignment, days: int) -> float:
    return min(100.0, days * assignment.late_penalty_percent)


def recompute(session: Session, assignment: Assignment, *, actor_id: int | None, reason: str,
              user_ids: list[int] | None = None) -> list[Change]:
    """Late days and penalties of the students' attempts (all, or `user_ids`') from their current
    deadline (their extension, else the assignment's); staff attempts are never late. The caller
    commits, then tells gradebook.on_grades_changed about the users of the changes."""
    students = select(Enrolment.user_id).where(Enrolment.course_id == assignment.course_id,
                                               Enrolment.role == Role.STUDENT)
    query = (select(Submission.id, Submission.user_id, Submission.attempt, Submission.submitted_at,
                    Submission.late_days, Submission.penalty_percent, Extension.due_at)
             .outerjoin(Extension, (Extension.assignment_id == Submission.assignment_id)
                        & (Extension.user_id == Submission.user_id))
             .where(Submission.assignment_id == assignment.id, Submission.user_id.in_(students),
                    Submission.status != SubmissionStatus.ERROR))
    if user_ids is not None:
        query = query.where(Submission.user_id.in_(user_ids))
    changes = []
    for sid, user_id, attempt, submitted_at, days, penalty, extended in session.execute(query):
        new_days = policy.late_days(submitted_at, extended or assignment.due_at)
        new = (new_days, penalty_for(assignment, new_days))
        if new != (days, penalty):
            changes.append(Change(sid, user_id, attempt, (days, penalty), new))
    if not changes:
        return []
    session.execute(update(Submission), [{"id": c.submission_id, "late_days": c.new[0],
                                          "penalty_percent": c.new[1]} for c in changes])
    users = sorted({c.user_id for c in changes})
    gradebook.rescale(session, assignment, users)
    gradebook.refresh(session, assignment, users)
    session.add_all([AuditEntry(actor_id=actor_id, course_id=assignment.course_id, action="grade.late_penalty",
                                target=f"submission:{c.submission_id}",
                                old=f"{c.old[0]} late day(s), -{c.old[1]:g}%",
                                new=f"{c.new[0]} late day(s), -{c.new[1]:g}%", reason=reason)
                     for c in changes])
    return changes
