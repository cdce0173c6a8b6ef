"""The micrograd exercise (a student-written autograd engine) on the site: the queue grades an
engine in the sandbox, the stored rows carry the engine's mistake ids, and the dashboard's mistake
page counts them as for any exercise. On SQLite and PostgreSQL."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Course, Result, Submission, SubmissionStatus, TestRow, User
from server.submitting import submit
from server.uploads import Upload
from tests.server.helpers import drain, make_assignment

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus_micrograd"


def test_an_engine_is_graded_and_its_mistake_counted(app, world, client, auth):
    with app.app_context():
        course = db.session.get(Course, world.course_id)
        assignment = make_assignment(course, slug="micrograd", exercise="micrograd", points=17.0)
        student = db.session.scalar(select(User).where(User.email == world.emails["student"]))
        queue = app.extensions["grading_queue"]
        ids = [submit(db.session, queue, student, assignment, Upload("micrograd.py", path.read_bytes())).id
               for path in (CORPUS / "correct" / "iterative_topo.py", CORPUS / "buggy" / "grad_overwritten.py")]
        assignment_id = assignment.id
        db.session.commit()
    assert drain(app) == 2

    with app.app_context():
        correct, buggy = (db.session.get(Submission, i) for i in ids)
        assert correct.status is buggy.status is SubmissionStatus.GRADED
        assert db.session.get(Result, correct.result_id).score == pytest.approx(17.0)
        assert 0 < db.session.get(Result, buggy.result_id).score < 17.0
        rows = db.session.scalars(select(TestRow).where(TestRow.result_id == buggy.result_id,
                                                        TestRow.status == "failed")).all()
        assert {(r.function, r.check, r.mistake) for r in rows} == {
            ("Value", "backward", "micrograd_grad_overwritten")}
        assert {r.visibility for r in rows} == {"visible", "hidden"}

    auth.login(world.emails["instructor"])
    page = client.get(f"/staff/assignments/{assignment_id}/mistakes")
    assert page.status_code == 200
    assert b"micrograd_grad_overwritten" in page.data and b"= instead of +=" in page.data
    auth.login(world.emails["student"])
    mine = client.get(f"/submissions/{ids[1]}")
    assert mine.status_code == 200 and b"The smallest expression your engine gets wrong" in mine.data
