"""The grade of record: which graded submission counts for a student, and its score, in one place.

Every page, export, API answer, CLI line and LMS passback that shows a student's grade asks this
module. The rule is the assignment's `grade_policy`:

- "best" (the default): the graded submission with the highest final score (the latest of equals);
- "latest": the latest graded submission;
- "active": the submission the student marked as the one that counts, else the latest graded one.

A final score is the automatic score (`Result.score`: on the assignment's points, after the late
penalty) plus a manual adjustment, never below zero. `Result.score` is kept on the assignment's
current scale and penalty by `rescale` (a stored result keeps its fractions in raw_score/raw_max),
so a points change or an extension shows at once everywhere. Scores are rounded once, by `rounded`,
to two decimals, half away from zero, wherever a person sees them.

Which submission is each student's grade of record is stored (`grade_records`, one row per student)
so that a class's grades are an indexed join, not a window over every attempt: whatever can move it
(a grade lands, a regrade is published, an adjustment, an extension or a due-date, penalty, points
or policy change, a new active submission) calls `refresh` in its transaction, then
`on_grade_changed` after its commit; listeners (the LMS passback) register with `add_listener`.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, case, delete, func, insert, literal, select, update
from sqlalchemy.orm import Session

from grader.results import rounded_score, score_text

from .models import (ActiveSubmission, Assignment, GradeRecord, Result, ScoreAdjustment, Submission,
                     SubmissionStatus)

log = logging.getLogger(__name__)

POLICIES = {
    "best": "your best graded submission counts",
    "latest": "your latest graded submission counts",
    "active": "the submission you mark as active counts (your latest graded one until you choose)",
}
DEFAULT_POLICY = "best"


def rounded(value: float | None) -> float | None:
    """A score as people see it (grader.results.rounded_score: two decimals, half away from zero)."""
    return None if value is None else rounded_score(value)


def show(value: float | None) -> str:
    """A score as text: '89.38', '100', '7.5' (grader.results.score_text)."""
    return "" if value is None else score_text(value)


def on_scale(points: float, raw: float, raw_max: float) -> float:
    """Grader points (one test's, one function's) on the assignment's scale, unrounded."""
    return points * raw / raw_max if raw_max else 0.0


@dataclass(frozen=True)
class GradeOfRecord:
    """One student's grade that counts for one assignment, and where it comes from."""
    user_id: int
    submission_id: int
    attempt: int
    score: float                 # final: on the assignment's points, penalty and adjustment included, rounded
    max_score: float             # the assignment's points
    policy: str                  # best | latest | active
    automatic: float             # before the manual adjustment (rounded)
    adjustment: float | None     # the manual adjustment in points, if staff made one
    adjustment_comment: str | None
    late_days: int
    penalty_percent: float
    graded_at: datetime | None

    @property
    def text(self) -> str:
        """'89.38/100'"""
        return f"{show(self.score)}/{show(self.max_score)}"

    @property
    def is_full(self) -> bool:
        return self.score >= self.max_score

    def as_json(self) -> dict:
        """The grade as the API and exports give it."""
        return {"score": self.score, "max_score": self.max_score, "submission_id": self.submission_id,
                "attempt": self.attempt, "policy": self.policy, "automatic": self.automatic,
                "adjustment": self.adjustment, "adjustment_comment": self.adjustment_comment,
                "late_days": self.late_days, "penalty_percent": self.penalty_percent}


def final_score():
    """SQL: the automatic score plus any manual adjustment, never below zero (unrounded)."""
    raw = Result.score + func.coalesce(ScoreAdjustment.points, literal(0.0))
    return case((raw < 0, literal(0.0)), else_=raw)


def policy_of(assignment: Assignment) -> str:
    return assignment.grade_policy if assignment.grade_policy in POLICIES else DEFAULT_POLICY


def ranked(assignment: Assignment, user_ids: Iterable[int] | None = None) -> Select:
    """SQL: every graded submission of the assignment with its final score and its rank under the
    policy within its student (1 = the grade of record). One window function, no Python loop."""
    policy = policy_of(assignment)
    final = final_score()
    if policy == "best":
        order = [final.desc(), Submission.id.desc()]
    elif policy == "latest":
        order = [Submission.id.desc()]
    else:
        chosen = case((ActiveSubmission.submission_id == Submission.id, 1), else_=0)
        order = [chosen.desc(), Submission.id.desc()]
    query = (select(Submission.user_id.label("user_id"), Submission.id.label("submission_id"),
                    Submission.attempt.label("attempt"), Result.score.label("automatic"),
                    ScoreAdjustment.points.label("adjustment"), ScoreAdjustment.comment.label("comment"),
                    final.label("final"), Submission.late_days.label("late_days"),
                    Submission.penalty_percent.label("penalty_percent"), Submission.graded_at.label("graded_at"),
                    Submission.result_id.label("result_id"),
                    func.row_number().over(partition_by=Submission.user_id, order_by=order).label("rank"))
             .join(Result, Result.id == Submission.result_id)
             .outerjoin(ScoreAdjustment, ScoreAdjustment.submission_id == Submission.id)
             .where(Submission.assignment_id == assignment.id, Submission.status == SubmissionStatus.GRADED))
    if policy == "active":
        query = query.outerjoin(ActiveSubmission, and_(ActiveSubmission.assignment_id == Submission.assignment_id,
                                                       ActiveSubmission.user_id == Submission.user_id))
    if user_ids is not None:
        query = query.where(Submission.user_id.in_(list(user_ids)))
    return query


def live_records(assignment: Assignment, user_ids: Iterable[int] | None = None):
    """SQL subquery: each student's grade of record computed now, from every graded attempt (what
    `refresh` stores; `records` reads the stored rows)."""
    every = ranked(assignment, user_ids).subquery("ranked")
    return select(every).where(every.c.rank == 1).subquery("live_record")


def refresh(session: Session, assignment: Assignment, user_ids: Iterable[int] | None = None) -> None:
    """Store the grades of record of the assignment's students (or only `user_ids`'), in the
    caller's transaction: every change that can move one calls this before its commit."""
    users = None if user_ids is None else list(user_ids)
    gone = delete(GradeRecord).where(GradeRecord.assignment_id == assignment.id)
    if users is not None:
        gone = gone.where(GradeRecord.user_id.in_(users))
    session.execute(gone.execution_options(synchronize_session=False))
    live = live_records(assignment, users)
    session.execute(insert(GradeRecord).from_select(
        ["assignment_id", "user_id", "submission_id"],
        select(literal(assignment.id), live.c.user_id, live.c.submission_id)))


def records(assignment: Assignment, user_ids: Iterable[int] | None = None):
    """SQL subquery: one row per student with a graded submission, the grade of record's columns
    (user_id, submission_id, attempt, automatic, adjustment, comment, final, late_days,
    penalty_percent, graded_at, result_id), from the stored records (one indexed row per student).
    Join it to the roster for a class's grades."""
    query = (select(GradeRecord.user_id.label("user_id"), Submission.id.label("submission_id"),
                    Submission.attempt.label("attempt"), Result.score.label("automatic"),
                    ScoreAdjustment.points.label("adjustment"), ScoreAdjustment.comment.label("comment"),
                    final_score().label("final"), Submission.late_days.label("late_days"),
                    Submission.penalty_percent.label("penalty_percent"), Submission.graded_at.label("graded_at"),
                    Submission.result_id.label("result_id"))
             .join(Submission, Submission.id == GradeRecord.submission_id)
             .join(Result, Result.id == Submission.result_id)
             .outerjoin(ScoreAdjustment, ScoreAdjustment.submission_id == Submission.id)
             .where(GradeRecord.assignment_id == assignment.id))
    if user_ids is not None:
        query = query.where(GradeRecord.user_id.in_(list(user_ids)))
    return query.subquery("record")


def _grade(row, assignment: Assignment) -> GradeOfRecord:
    return GradeOfRecord(user_id=row.user_id, submission_id=row.submission_id, attempt=row.attempt,
                         score=rounded(row.final), max_score=float(assignment.points), policy=policy_of(assignment),
                         automatic=rounded(row.automatic),
                         adjustment=None if row.adjustment is None else float(row.adjustment),
                         adjustment_comment=row.comment, late_days=row.late_days,
                         penalty_percent=float(row.penalty_percent), graded_at=row.graded_at)


def grades_of_record(session: Session, assignment: Assignment,
                     user_ids: Iterable[int] | None = None) -> dict[int, GradeOfRecord]:
    """Every student's grade of record (or only `user_ids`'), by user id, in one query; students
    with no graded submission are absent."""
    record = records(assignment, user_ids)
    return {row.user_id: _grade(row, assignment) for row in session.execute(select(record))}


def grade_of_record(session: Session, assignment: Assignment, user_id: int) -> GradeOfRecord | None:
    """The student's grade that counts for the assignment, or None before any graded submission."""
    return grades_of_record(session, assignment, [user_id]).get(user_id)


def attempt_scores(session: Session, assignment: Assignment, user_id: int) -> dict[int, float]:
    """Each graded submission's final score (rounded), by submission id: the attempts table's column."""
    every = ranked(assignment, [user_id]).subquery("ranked")
    return {sid: rounded(final) for sid, final in session.execute(select(every.c.submission_id, every.c.final))}


def choose_active(session: Session, assignment: Assignment, submission: Submission) -> None:
    """The student marks `submission` (their own, graded) as the one that counts; caller commits."""
    row = session.scalar(select(ActiveSubmission).where(ActiveSubmission.assignment_id == assignment.id,
                                                        ActiveSubmission.user_id == submission.user_id))
    row = row or ActiveSubmission(assignment_id=assignment.id, user_id=submission.user_id)
    row.submission_id = submission.id
    session.add(row)
    refresh(session, assignment, [submission.user_id])


def active_submission_id(session: Session, assignment: Assignment, user_id: int) -> int | None:
    return session.scalar(select(ActiveSubmission.submission_id).where(
        ActiveSubmission.assignment_id == assignment.id, ActiveSubmission.user_id == user_id))


def automatic_score(points: float, raw: float, raw_max: float, penalty_percent: float) -> float:
    """The automatic score of a grading: its fraction of the grader's points on the assignment's
    scale, less the late penalty (unrounded: `rounded` is for people). `rescale` is its SQL twin."""
    fraction = raw / raw_max if raw_max else 0.0
    return max(points * fraction * (1 - penalty_percent / 100), 0.0)


def rescale(session: Session, assignment: Assignment, user_ids: Iterable[int] | None = None) -> int:
    """Put every result of the assignment (or of `user_ids`' submissions) on its current points and
    its submission's current late penalty, in one UPDATE; the caller commits. Rows updated."""
    penalty = (select(Submission.penalty_percent).where(Submission.id == Result.submission_id)
               .scalar_subquery())
    owners = select(Submission.id).where(Submission.assignment_id == assignment.id)
    if user_ids is not None:
        owners = owners.where(Submission.user_id.in_(list(user_ids)))
    points = literal(float(assignment.points))
    fraction = case((Result.raw_max > 0, Result.raw_score / Result.raw_max), else_=literal(0.0))
    score = points * fraction * (literal(1.0) - penalty / literal(100.0))
    return session.execute(update(Result).where(Result.submission_id.in_(owners))
                           .values(score=case((score < 0, literal(0.0)), else_=score), max_score=points)
                           .execution_options(synchronize_session=False)).rowcount


def rescale_adjustments(session: Session, assignment: Assignment, old_points: float) -> int:
    """Manual adjustments follow a points change like the automatic scores (+5 of 100 becomes +2.5
    of 50), so an adjustment keeps the weight staff gave it; the caller commits. Rows updated."""
    if not old_points or old_points == assignment.points:
        return 0
    owners = select(Submission.id).where(Submission.assignment_id == assignment.id)
    factor = literal(float(assignment.points) / float(old_points))
    return session.execute(update(ScoreAdjustment).where(ScoreAdjustment.submission_id.in_(owners))
                           .values(points=ScoreAdjustment.points * factor)
                           .execution_options(synchronize_session=False)).rowcount


# --- The extension point: who wants to know when a grade of record may have changed -------------

Listener = Callable[[Session, int, int], None]
_listeners: list[Listener] = []


def add_listener(listener: Listener) -> None:
    """Call `listener(session, assignment_id, user_id)` whenever that grade of record may have
    changed (after the change is committed). A listener that raises is logged, never propagated: a
    failed LMS passback must not undo a grade."""
    if listener not in _listeners:
        _listeners.append(listener)


def remove_listener(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def on_grade_changed(session: Session, assignment_id: int, user_id: int) -> None:
    """Tell every listener that the student's grade of record for the assignment may have changed."""
    for listener in list(_listeners):
        try:
            listener(session, assignment_id, user_id)
        except Exception:  # noqa: BLE001 - see add_listener
            log.exception("grade listener %r failed for assignment %s, user %s", listener, assignment_id, user_id)


def on_grades_changed(session: Session, assignment_id: int, user_ids: Iterable[int]) -> None:
    """on_grade_changed for each of several students (a points, due-date or policy change)."""
    if not _listeners:
        return
    for user_id in user_ids:
        on_grade_changed(session, assignment_id, user_id)


def graded_students(session: Session, assignment: Assignment) -> list[int]:
    """Users with a graded submission of the assignment: those whose grade an assignment-wide change moves."""
    return list(session.scalars(select(Submission.user_id).where(
        Submission.assignment_id == assignment.id, Submission.status == SubmissionStatus.GRADED).distinct()))
