"""Issue 22: one student's burst of submissions does not make everyone else wait behind it. The
queue takes students in turn (lifecycle.claim_next), on SQLite and PostgreSQL, and with real worker
processes on the SQLite queue and on Redis."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from server.extensions import db
from server.models import Assignment, Course, Role, Submission, SubmissionStatus, User, utcnow
from server.queue import lifecycle
from server.submitting import submit
from server.uploads import Upload
from tests.server.helpers import REFERENCE, drain, make_assignment, make_user
from tests.server.test_queue_processes import deployment, start_worker, stop, wait_for  # noqa: F401  (a fixture)

ONE_GATE = b"def add_forward(x, y):\n    return x + y\n"


def submit_as(app, email: str, assignment_id: int, content: bytes = ONE_GATE) -> int:
    with app.app_context():
        student = db.session.scalar(select(User).where(User.email == email))
        row = submit(db.session, app.extensions["grading_queue"], student, db.session.get(Assignment, assignment_id),
                     Upload("gates.py", content))
        return row.id


def statuses(app, ids: list[int]) -> list[SubmissionStatus]:
    with app.app_context():
        found = {row.id: row.status for row in db.session.scalars(select(Submission).where(Submission.id.in_(ids)))}
        db.session.remove()
        return [found[i] for i in ids]


def test_a_later_student_is_graded_before_the_rest_of_anothers_burst(app, world):
    burst = [submit_as(app, world.emails["student"], world.assignment_id) for _ in range(4)]
    later = submit_as(app, world.emails["other"], world.assignment_id)
    assert drain(app, limit=2) == 2
    assert statuses(app, [*burst, later]) == [SubmissionStatus.GRADED, SubmissionStatus.QUEUED,
                                              SubmissionStatus.QUEUED, SubmissionStatus.QUEUED, SubmissionStatus.GRADED]
    assert drain(app) == 3
    assert set(statuses(app, [*burst, later])) == {SubmissionStatus.GRADED}


def test_a_worker_prefers_a_student_with_nothing_being_graded(app, world):
    burst = [submit_as(app, world.emails["student"], world.assignment_id) for _ in range(3)]
    later = submit_as(app, world.emails["other"], world.assignment_id)
    with app.app_context():
        first = lifecycle.claim(db.session, burst[0], lease_seconds=60)       # another worker grades burst[0]
        assert first is not None
        assert lifecycle.claim_next(db.session, lease_seconds=60).submission_id == later
        assert lifecycle.claim_next(db.session, lease_seconds=60).submission_id == burst[1]
        # A lease that expired (its worker died) makes the row claimable again, its student idle.
        assert lifecycle.claim_next(db.session, lease_seconds=60, now=utcnow() + timedelta(seconds=120)) \
            .submission_id == burst[0]


def test_the_queue_position_counts_turns_not_rows(app, world):
    burst = [submit_as(app, world.emails["student"], world.assignment_id) for _ in range(4)]
    later = submit_as(app, world.emails["other"], world.assignment_id)
    with app.app_context():
        position = lifecycle.queue_position(db.session, db.session.get(Submission, later))
        last = lifecycle.queue_position(db.session, db.session.get(Submission, burst[-1]))
    assert position == 2 and last == 5


def test_real_workers_take_students_in_turn(deployment, tmp_path):  # noqa: F811
    """One worker process, five submissions waiting: four of one student, then one of another's.
    The other's is graded second (not fifth), on the SQLite queue and on Redis."""
    app, env = deployment
    with app.app_context():
        course = Course(code="fair", title="Fairness", timezone="UTC")
        db.session.add(course)
        db.session.flush()
        make_user("burst@uni.test", Role.STUDENT, course)
        make_user("later@uni.test", Role.STUDENT, course)
        assignment_id = make_assignment(course).id
        db.session.commit()
    gates = (REFERENCE / "gates" / "gates.py").read_bytes()
    burst = [submit_as(app, "burst@uni.test", assignment_id, gates) for _ in range(4)]
    later = submit_as(app, "later@uni.test", assignment_id, gates)
    log = tmp_path / "worker.log"
    worker = start_worker(env, log)
    try:
        wait_for(lambda: set(statuses(app, [*burst, later])) == {SubmissionStatus.GRADED}, 180, "all five graded")
        with app.app_context():
            graded_at = dict(db.session.execute(select(Submission.id, Submission.graded_at)
                                                .where(Submission.id.in_([*burst, later]))).all())
        order = sorted(graded_at, key=graded_at.get)
        assert order == [burst[0], later, *burst[1:]], (order, burst, later)
    finally:
        stop(worker)
        print(log.read_text()[-3000:])
