"""A course's own exercise, declared as docs/authoring-exercises.md says, on the site: the
assignment form offers it, the queue grades it with its hidden checks, and the dashboard names its
declared mistake. On SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Course, Result, Submission, SubmissionStatus, TestRow, User
from server.submitting import submit
from server.uploads import Upload
from tests.authored_course import course_from_guide
from tests.server.helpers import drain, make_assignment


@pytest.fixture
def guide_course(tmp_path):
    folder = tmp_path / "mycourse"
    written = course_from_guide(folder)
    return folder, written


@pytest.fixture
def app_config(app_config, guide_course):
    return {**app_config, "GRADER_COURSE": str(guide_course[0])}


def test_a_course_exercise_is_offered_graded_and_counted(app, world, client, auth, guide_course):
    _, written = guide_course
    auth.login(world.emails["instructor"])
    form = client.get(f"/staff/courses/{world.course_id}/assignments/new")
    assert form.status_code == 200 and b'value="tanh"' in form.data and b"tanh_backward" in form.data
    assert b'value="gates"' not in form.data           # the set comes from this course, not a constant

    with app.app_context():
        course = db.session.get(Course, world.course_id)
        assignment = make_assignment(course, slug="tanh", exercise="tanh", points=10.0)
        student = db.session.scalar(select(User).where(User.email == world.emails["student"]))
        queue = app.extensions["grading_queue"]
        good = written["reference/tanh/tanh.py"]
        ids = [submit(db.session, queue, student, assignment, Upload("tanh.py", source.encode())).id
               for source in (good, good.replace("(1 - out ** 2)", "(1 - out)"))]
        assignment_id = assignment.id
        db.session.commit()
    assert drain(app) == 2

    with app.app_context():
        correct, buggy = (db.session.get(Submission, i) for i in ids)
        assert correct.status is buggy.status is SubmissionStatus.GRADED
        assert db.session.get(Result, correct.result_id).score == pytest.approx(10.0)
        assert 0 < db.session.get(Result, buggy.result_id).score < 10.0
        rows = db.session.scalars(select(TestRow).where(TestRow.result_id == buggy.result_id,
                                                        TestRow.status == "failed")).all()
        assert {(r.function, r.mistake) for r in rows if r.check == "gradient"} == {
            ("tanh_backward", "tanh_missing_square")}
        assert {r.visibility for r in rows} == {"visible", "hidden"}

    page = client.get(f"/staff/assignments/{assignment_id}/mistakes")
    assert page.status_code == 200
    assert b"tanh_missing_square" in page.data and b"1 - tanh(x) instead of 1 - tanh(x)**2" in page.data
