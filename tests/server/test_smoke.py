"""The student's path through the site, end to end in the test client: log in, upload, see the grade."""
from __future__ import annotations

from sqlalchemy import func, select

from server.extensions import db
from server.models import Submission, SubmissionStatus, TestRow

from tests.server.helpers import REFERENCE, drain, upload


def test_a_student_uploads_and_reads_the_report(app, client, auth, world):
    assert auth.login(world.emails["student"]).status_code == 302
    home = client.get("/")
    assert b"Backprop 101" in home.data and b"Gates" in home.data
    response = upload(client, world.assignment_id, "gates.py", (REFERENCE / "gates" / "gates.py").read_bytes())
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert b"Queued" in page.data
    assert drain(app) == 1
    page = client.get(response.headers["Location"])
    assert b"10</strong> / 10" in page.data, page.data.decode()[:3000]
    with app.app_context():
        row = db.session.scalar(select(Submission))
        assert row.status is SubmissionStatus.GRADED
        assert db.session.scalar(select(func.count()).select_from(TestRow)) > 20
