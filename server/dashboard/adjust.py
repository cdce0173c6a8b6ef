"""Manual score adjustments: beside the automatic score, never overwritten by a regrade, each
change written to the audit log (who, when, old, new, why)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import gradebook
from ..models import AuditEntry, ScoreAdjustment, Submission, User, utcnow


class AdjustmentRefused(Exception):
    """Why an adjustment cannot be made, in words for the person who tried."""


def final_of(automatic: float, adjustment: ScoreAdjustment | None) -> float:
    """The final score (gradebook.final_score's rule, for one row in hand), rounded as every grade is."""
    return gradebook.rounded(max(0.0, automatic + (adjustment.points if adjustment else 0.0)))


def current(session: Session, submission_id: int) -> ScoreAdjustment | None:
    return session.scalar(select(ScoreAdjustment).where(ScoreAdjustment.submission_id == submission_id))


def adjust(session: Session, submission: Submission, points: float, comment: str, actor: User) -> ScoreAdjustment:
    """Set the submission's adjustment to `points` (replacing any earlier one) and log the change."""
    comment = (comment or "").strip()
    if not comment:
        raise AdjustmentRefused("Say why in the comment: every grade change is explained in the audit log.")
    if submission.result is None:
        raise AdjustmentRefused("This submission has no grade yet; adjust it once it is graded.")
    automatic = submission.result.score
    row = current(session, submission.id)
    old = final_of(automatic, row)
    row = row or ScoreAdjustment(submission_id=submission.id, points=0.0, comment="")
    row.points, row.comment, row.by_id = points, comment, actor.id
    row.at = utcnow()
    session.add(row)
    session.add(AuditEntry(actor_id=actor.id, course_id=submission.assignment.course_id, action="grade.adjust",
                           target=f"submission:{submission.id}", old=f"{old:g}",
                           new=f"{final_of(automatic, row):g} (automatic {automatic:g}, adjustment {points:+g})",
                           reason=comment))
    gradebook.refresh(session, submission.assignment, [submission.user_id])
    session.commit()
    gradebook.on_grade_changed(session, submission.assignment_id, submission.user_id)
    return row
