"""Deadlines, late penalties and submission limits: pure rules over an assignment and a moment."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import Assignment, Extension, LimitPeriod, Submission, SubmissionStatus

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Window:
    """Whether a submission made `now` is accepted, and at what cost."""
    accepted: bool
    due_at: datetime                   # the deadline that applies (the student's extension, if any)
    closes_at: datetime                # the last moment a late submission is accepted
    late_days: int = 0
    penalty_percent: float = 0.0
    reason: str = ""                   # why not, when not accepted


def effective_due(assignment: Assignment, extension: Extension | None) -> datetime:
    return extension.due_at if extension is not None else assignment.due_at


def late_days(submitted_at: datetime, due_at: datetime) -> int:
    """Days started after the deadline: one second late is one day late."""
    if submitted_at <= due_at:
        return 0
    return math.ceil((submitted_at - due_at) / DAY)


def window(assignment: Assignment, extension: Extension | None, now: datetime, tz: str) -> Window:
    due = effective_due(assignment, extension)
    closes = due + assignment.late_days_allowed * DAY
    if not assignment.published:
        return Window(False, due, closes, reason="This assignment is not published yet.")
    if assignment.opens_at is not None and now < assignment.opens_at:
        return Window(False, due, closes, reason=f"Submissions open {show(assignment.opens_at, tz)}.")
    days = late_days(now, due)
    if days > assignment.late_days_allowed:
        allowed = (f"late submissions were accepted until {show(closes, tz)}" if assignment.late_days_allowed
                   else "no late submissions are accepted")
        return Window(False, due, closes, days, 100.0,
                      reason=f"The deadline was {show(due, tz)} and {allowed}. Ask your instructor "
                             "about an extension.")
    return Window(True, due, closes, days, min(100.0, days * assignment.late_penalty_percent))


def attempts_used(session: Session, assignment: Assignment, user_id: int, now: datetime, tz: str) -> int:
    """Submissions that count against the limit: every one but those our failures stopped (error)."""
    query = (select(func.count()).select_from(Submission)
             .where(Submission.assignment_id == assignment.id, Submission.user_id == user_id,
                    Submission.status != SubmissionStatus.ERROR))
    if assignment.limit_period is LimitPeriod.DAY:
        start = day_start(now, tz)
        query = query.where(Submission.submitted_at >= start, Submission.submitted_at < start + DAY)
    return int(session.scalar(query))


def attempts_left(session: Session, assignment: Assignment, user_id: int, now: datetime, tz: str) -> int | None:
    """None when unlimited."""
    if assignment.submission_limit is None:
        return None
    return max(assignment.submission_limit - attempts_used(session, assignment, user_id, now, tz), 0)


def limit_text(assignment: Assignment) -> str:
    if assignment.submission_limit is None:
        return "unlimited submissions"
    per = "per day" if assignment.limit_period is LimitPeriod.DAY else "in total"
    return f"{assignment.submission_limit} submission{'s' if assignment.submission_limit != 1 else ''} {per}"


def late_policy_text(assignment: Assignment) -> str:
    if not assignment.late_days_allowed:
        return "No late submissions."
    penalty = (f"minus {assignment.late_penalty_percent:g}% per day started"
               if assignment.late_penalty_percent else "no penalty")
    days = assignment.late_days_allowed
    return f"Late submissions up to {days} day{'s' if days != 1 else ''} after the deadline, {penalty}."


def day_start(moment: datetime, tz: str) -> datetime:
    """Midnight of `moment`'s calendar day in the course's time zone."""
    local = moment.astimezone(ZoneInfo(tz))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def show(moment: datetime | None, tz: str) -> str:
    """A moment as the course reads it: 'Mon 7 Dec 2026, 23:59 (Europe/Paris)'."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(tz))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} ({tz})"
