"""A seeded class for the dashboard tests: graded submissions written straight into the database,
and the same facts kept in plain Python so a test can compute every aggregate on its own.

What makes it a fair test: several attempts per student (the best counts for grades, the latest for the checks' pages), a submission in
`error` and a staff member's submission (neither counts), a dry-run result that is not of record,
public and hidden rows of the same check (a student counts once per check), a manual adjustment,
late submissions, a student who never submitted, and one who sent byte-identical code twice and
got two verdicts on one check (what the flaky flag is for). Failed gradient rows name one or both
of their function's gradients, or none (a grade from before the grader named them).
"""
from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from functools import cache

from server import check_history, gradebook
from server.extensions import db
from server.models import Enrolment, Result, Role, ScoreAdjustment, Submission, SubmissionStatus, TestRow, User
from server.models.submissions import joined_gradients
from server.passwords import hash_password
from tests.server.helpers import PASSWORD, make_assignment

FUNCTIONS = ["add_forward", "add_backward", "mul_forward", "mul_backward"]
CHECKS = {"add_forward": ["forward", "dtype"], "add_backward": ["gradient", "dtype"],
          "mul_forward": ["forward", "dtype"], "mul_backward": ["gradient", "dtype"]}
MISTAKES = {"add_backward": ["db_wrong_axis", "dx_sign"], "mul_backward": ["dx_sign", "dx_transposed"],
            "add_forward": ["out_scaled"], "mul_forward": ["out_scaled"]}
GRADIENTS = {"add_backward": ("da", "db"), "mul_backward": ("da", "db")}     # the grader's names
DUE = datetime(2026, 11, 20, 22, 0, tzinfo=timezone.utc)       # 23:00 in Paris


@dataclass
class Row:
    function: str
    check: str
    visibility: str
    status: str
    score: float
    max_score: float
    mistake: str | None
    relative_error: float | None
    wrong_gradients: tuple[str, ...] = ()


@dataclass
class Attempt:
    submission_id: int
    attempt: int
    submitted_at: datetime
    late_days: int
    status: str                      # graded or error
    score: float                     # in assignment points
    rows: list[Row] = field(default_factory=list)


@dataclass
class Student:
    user_id: int
    email: str
    name: str
    attempts: list[Attempt] = field(default_factory=list)
    adjustment: float = 0.0

    @property
    def latest(self) -> Attempt | None:
        graded = [a for a in self.attempts if a.status == "graded"]
        return graded[-1] if graded else None

    def final(self, attempt: Attempt) -> float:
        """The attempt's final score: its automatic score plus the adjustment (made on the latest)."""
        return max(0.0, attempt.score + (self.adjustment if attempt is self.latest else 0.0))

    @property
    def record(self) -> Attempt | None:
        """The grade of record under the default policy: the best final score, the latest of equals."""
        graded = [a for a in self.attempts if a.status == "graded"]
        return max(graded, key=lambda a: (self.final(a), a.submission_id)) if graded else None


@dataclass
class SeededClass:
    course_id: int
    assignment_id: int
    points: float
    students: list[Student]
    ta_email: str
    instructor_email: str


@cache
def _password_hash() -> str:
    return hash_password(PASSWORD)


def make_user(email: str, role: Role, course, name: str) -> User:
    """Like helpers.make_user, hashing the password once for the whole class (hashing is slow on purpose)."""
    user = User(email=email, name=name, password_hash=_password_hash())
    db.session.add(user)
    db.session.flush()
    db.session.add(Enrolment(course_id=course.id, user_id=user.id, role=role))
    return user


def _rows(rng: random.Random, skill: float, names: random.Random) -> list[Row]:
    """One attempt's rows. `names` draws the wrong gradients (its own generator, so the rest of the
    class is what it was before gradients were named)."""
    rows = []
    for function in FUNCTIONS:
        written = rng.random() < 0.93
        for check in CHECKS[function]:
            outcome = rng.random()
            for visibility in ("visible", "hidden"):
                if not written:
                    rows.append(Row(function, check, visibility, "missing", 0.0, 1.0, "not_implemented", None))
                    continue
                if outcome < skill:
                    error = 0.0 if rng.random() < 0.1 else 10 ** rng.uniform(-15, -7)     # 0: exactly right
                    rows.append(Row(function, check, visibility, "passed", 1.0, 1.0, None, error))
                elif outcome < skill + 0.05:
                    rows.append(Row(function, check, visibility, "error", 0.0, 1.0, None, None))
                else:
                    mistake = rng.choice(MISTAKES[function]) if check != "dtype" else None
                    error = 10 ** rng.uniform(-5, 0.5) if check != "dtype" else None
                    rows.append(Row(function, check, visibility, "failed", 0.0, 1.0, mistake, error,
                                    _wrong_gradients(names, function) if check == "gradient" else ()))
    return rows


def _wrong_gradients(names: random.Random, function: str) -> tuple[str, ...]:
    """Both gradients, one of them, or none (not known), in the grader's order."""
    kind = names.choice(["both", "one", "one", "none"])
    if kind == "none":
        return ()
    return GRADIENTS[function] if kind == "both" else (names.choice(GRADIENTS[function]),)


def _everything_failed() -> list[Row]:
    """Rows of a result that must never count: every check failed, every gradient wrong."""
    return [Row(f, c, "hidden", "failed", 0.0, 1.0, "dx_sign", 0.5, GRADIENTS.get(f, ()) if c == "gradient" else ())
            for f in FUNCTIONS for c in CHECKS[f]]


def _write(submission: Submission, rows: list[Row], points: float, assignment_id: int, penalty: float,
           of_record: bool = True) -> float:
    raw = sum(r.score for r in rows)
    raw_max = sum(r.max_score for r in rows)
    score = round(points * raw / raw_max * (1 - penalty / 100), 4)
    result = Result(submission_id=submission.id, raw_score=raw, raw_max=raw_max, score=score, max_score=points,
                    seed=submission.id, report_json=json.dumps({"tests": []}))
    db.session.add(result)
    db.session.flush()
    db.session.add_all([TestRow(result_id=result.id, submission_id=submission.id, assignment_id=assignment_id,
                                position=i, function=r.function, check=r.check, visibility=r.visibility,
                                status=r.status, score=r.score, max_score=r.max_score, mistake=r.mistake,
                                relative_error=r.relative_error, hint=f"hint for {r.mistake}" if r.mistake else None,
                                wrong_gradients=joined_gradients(r.wrong_gradients))
                        for i, r in enumerate(rows)])
    if of_record:
        submission.result_id = result.id
    return score


def seed_class(n_students: int = 14, seed: int = 7) -> SeededClass:
    """Write the class into the current app's database; call inside an app context."""
    from server.models import Course
    rng = random.Random(seed)
    names = random.Random(seed + 1)
    course = Course(code=f"dash{seed}", title="Dashboard 101", timezone="Europe/Paris")
    db.session.add(course)
    db.session.flush()
    ta = make_user(f"ta{seed}@uni.test", Role.TA, course, name="Tia Assistant")
    make_user(f"prof{seed}@uni.test", Role.INSTRUCTOR, course, name="Pat Professor")
    assignment = make_assignment(course, slug="gates", exercise="gates", functions=FUNCTIONS, points=10.0,
                                 due_at=DUE, late_penalty_percent=10.0, late_days_allowed=3)
    students = []
    for i in range(n_students):
        user = make_user(f"s{i:02d}@uni.test", Role.STUDENT, course, name=f"Student {i:02d}")
        student = Student(user.id, user.email, user.name)
        students.append(student)
        n_attempts = 0 if i == n_students - 1 else 1 + i % 3          # the last one never submits
        skill = rng.uniform(0.2, 0.95)
        for attempt in range(1, n_attempts + 1):
            at = DUE - timedelta(hours=rng.randint(-30, 60))
            late = max(0, -(-int((at - DUE).total_seconds()) // 86400))
            infra_error = i % 5 == 1 and attempt == n_attempts      # our failure on their last try
            resubmitted = i == 4 and attempt == 2          # the same bytes as attempt 1
            content = f"# {user.email} attempt {1 if resubmitted else attempt}\n".encode()
            submission = Submission(assignment_id=assignment.id, user_id=user.id, attempt=attempt,
                                    filename="gates.py", content=content, sha256=hashlib.sha256(content).hexdigest(),
                                    size=len(content), submitted_at=at, late_days=late, penalty_percent=10.0 * late,
                                    status=SubmissionStatus.ERROR if infra_error else SubmissionStatus.GRADED)
            db.session.add(submission)
            db.session.flush()
            record = Attempt(submission.id, attempt, at, late, "error" if infra_error else "graded", 0.0)
            if not infra_error:
                record.rows = _rows(rng, min(skill + 0.1 * attempt, 0.97), names)
                if resubmitted:     # same code, same verdicts ...
                    record.rows = list(student.attempts[0].rows)
                if i == 4:          # ... but one check (add_forward's forward) that changes its mind
                    status = "failed" if attempt == 1 else "passed"
                    record.rows = [Row(r.function, r.check, r.visibility, status, float(status == "passed"), 1.0,
                                       None, 0.5 if status == "failed" else 0.0)
                                   if (r.function, r.check) == ("add_forward", "forward") else r for r in record.rows]
                record.score = _write(submission, record.rows, assignment.points, assignment.id, 10.0 * late)
            student.attempts.append(record)
        if i == 2 and student.latest:
            # a dry-run regrade's result on the latest submission: never of record, never counted
            _write(db.session.get(Submission, student.latest.submission_id), _everything_failed(),
                   assignment.points, assignment.id, 0.0, of_record=False)
    adjusted = students[3]
    db.session.add(ScoreAdjustment(submission_id=adjusted.latest.submission_id, points=1.5, comment="partial credit"))
    adjusted.adjustment = 1.5
    # staff trying the assignment out: not a student, never in the class's numbers
    staff_try = Submission(assignment_id=assignment.id, user_id=ta.id, attempt=1, filename="gates.py", content=b"x",
                           sha256="0" * 64, size=1, submitted_at=DUE, status=SubmissionStatus.GRADED)
    db.session.add(staff_try)
    db.session.flush()
    _write(staff_try, _everything_failed(), assignment.points, assignment.id, 0.0)
    db.session.flush()
    for user_id in [s.user_id for s in students] + [ta.id]:      # as the queue does when a grade lands
        check_history.refresh(db.session, assignment.id, user_id)
    gradebook.refresh(db.session, assignment)
    db.session.commit()
    return SeededClass(course.id, assignment.id, assignment.points, students, ta.email, f"prof{seed}@uni.test")
