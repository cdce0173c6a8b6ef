"""The building block of every dashboard query: each student's latest graded submission.

"Latest" is the student's graded submission with the highest id (attempts are numbered in order):
what the class's code does now, which the check and mistake pages count. Grades (the grid's final
column, the distribution, exports) are the grade of record instead: server.gradebook, under the
assignment's policy. Only enrolled students count: staff trying the assignment out never show up in
a class's numbers.
"""
from __future__ import annotations

from sqlalchemy import case, literal_column, select
from sqlalchemy.orm import Session

from ..check_history import FAILING_STATUSES as FAILING     # missing/skipped: the code was not there to judge
from ..exercises import exercises_of
from ..gradebook import records
from ..models import Assignment, Enrolment, LatestGraded, Role, Submission, TestRow


def functions_of(assignment: Assignment) -> list[str]:
    """The assignment's functions in the grader's order (forward before backward)."""
    names = [name for exercise in exercises_of(assignment.exercise) for name in exercise.functions]
    chosen = set(assignment.functions or names)
    return [name for name in names if name in chosen]


def students(assignment: Assignment):
    """The enrolled students' user ids, as a subquery."""
    return (select(Enrolment.user_id.label("user_id"))
            .where(Enrolment.course_id == assignment.course_id, Enrolment.role == Role.STUDENT)
            .subquery("students"))


def not_students(session: Session, assignment: Assignment) -> list[int]:
    """Users who submitted to the assignment but are not enrolled students (staff, dropped students):
    usually a handful, so excluding them with NOT IN is cheaper than joining every row to the roster."""
    submitted = (select(Submission.user_id).where(Submission.assignment_id == assignment.id).distinct())
    enrolled = select(students(assignment).c.user_id)
    return list(session.scalars(submitted.except_(enrolled)))


def latest(assignment: Assignment):
    """(user_id, submission_id) of each enrolled student's latest graded submission."""
    enrolled = students(assignment)
    # latest_graded holds one row per student (kept by the queue as grades land), so nothing here
    # groups every attempt.
    return (select(LatestGraded.user_id, LatestGraded.submission_id)
            .join(enrolled, enrolled.c.user_id == LatestGraded.user_id)
            .where(LatestGraded.assignment_id == assignment.id).subquery("latest"))


def latest_id_of(assignment: Assignment, user_id_column):
    """The id of one student's latest graded submission, as a correlated scalar subquery: a
    roster-shaped query (every student, submitted or not) looks each up by (assignment, user)."""
    return (select(LatestGraded.submission_id)
            .where(LatestGraded.assignment_id == assignment.id, LatestGraded.user_id == user_id_column)
            .scalar_subquery())


def records_of_students(assignment: Assignment):
    """The enrolled students' grades of record (server.gradebook.records, roster-filtered): the
    columns user_id, submission_id, attempt, automatic, adjustment, final, late_days, ... ."""
    record = records(assignment)
    enrolled = students(assignment)
    return select(record).join(enrolled, enrolled.c.user_id == record.c.user_id)


def latest_tests(assignment: Assignment):
    """The test rows of record of every latest submission (a subquery over test_results)."""
    last = latest(assignment)
    return (select(TestRow).select_from(last)
            .join(Submission, Submission.id == last.c.submission_id)
            .join(TestRow, TestRow.result_id == Submission.result_id)
            .subquery("latest_tests"))


def is_failing(status_column):
    """status IN the failing statuses, written as literals so SQLite can use the partial index
    ix_test_results_result_failing (a bound parameter would hide the values from its planner)."""
    return status_column.in_([literal_column(f"'{status}'") for status in FAILING])


def failing(status_column):
    """1 where a test row's status is a failure of the student's code, else 0 (for SUM)."""
    return case((status_column.in_(FAILING), 1), else_=0)
