"""A submission for staff: highlighted source, notebook cells, diffs between attempts, adjustments."""
from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from markupsafe import escape
from sqlalchemy import select

from server.dashboard import detail
from server.extensions import db
from server.models import AuditEntry, ScoreAdjustment, Submission
from tests.server.dashboard_class import seed_class


@pytest.fixture
def seeded(app):
    with app.app_context():
        return seed_class()


def test_python_source_is_highlighted_with_classes_only():
    [cell] = detail.source_cells("gates.py", b"def add_forward(x, y):\n    return x + y\n")
    assert cell.kind == "file" and '<span class="k">def</span>' in cell.html and "style=" not in cell.html


def test_notebook_cells_are_cells():
    notebook = {"cells": [{"cell_type": "markdown", "source": ["# Gates\n", "Write *add*."]},
                          {"cell_type": "code", "execution_count": 3, "source": "def add_forward(x, y):\n    return x + y"},
                          {"cell_type": "code", "execution_count": None, "source": ["%timeit add_forward(1, 2)"]}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    cells = detail.source_cells("hw.ipynb", json.dumps(notebook).encode())
    assert [c.kind for c in cells] == ["markdown", "code", "code"]
    assert cells[0].text == "# Gates\nWrite *add*." and cells[0].html is None
    assert "In [3]" in cells[1].title and "add_forward" in cells[1].html
    assert detail.source_cells("bad.ipynb", b"{not json")[0].kind == "raw"


def test_zip_members_are_shown_and_diffed():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hw/gates.py", "x = 1\n")
        archive.writestr("hw/notes.txt", "not code")
    cells = detail.source_cells("hw.zip", buffer.getvalue())
    assert [c.title for c in cells] == ["hw/gates.py"]
    assert "x = 1" in detail.plain_source("hw.zip", buffer.getvalue())


def test_detail_page_diffs_the_previous_attempt(client, auth, seeded):
    student = next(s for s in seeded.students if s.latest and s.latest.attempt == 3)
    auth.login(seeded.ta_email)
    html = client.get(f"/staff/submissions/{student.latest.submission_id}").get_data(as_text=True)
    assert "Changes since attempt 2" in html
    assert (f'<span class="gd">-# {student.email} attempt 2</span>\n'
            f'<span class="gi">+# {student.email} attempt 3</span>') in html
    assert len(re.findall(r'<tr[^>]*>\s*<td><a href="/staff/submissions/\d+">\d</a>', html)) == 3


def test_an_adjustment_needs_a_comment_and_is_audited(app, client, auth, seeded):
    student = next(s for s in seeded.students if s.latest and s.adjustment == 0)
    submission_id = student.latest.submission_id
    auth.login(seeded.ta_email)
    refused = client.post(f"/staff/submissions/{submission_id}/adjust", data={"points": "2", "comment": " "})
    assert refused.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(ScoreAdjustment).where(ScoreAdjustment.submission_id == submission_id)) is None
    client.post(f"/staff/submissions/{submission_id}/adjust", data={"points": "2", "comment": "late email, excused"})
    client.post(f"/staff/submissions/{submission_id}/adjust", data={"points": "-100", "comment": "copied"})
    with app.app_context():
        row = db.session.scalar(select(ScoreAdjustment).where(ScoreAdjustment.submission_id == submission_id))
        assert row.points == -100 and row.comment == "copied"
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.target == f"submission:{submission_id}")
                                     .order_by(AuditEntry.id)).all()
    automatic = student.latest.score
    assert [(e.action, e.old, e.new.split(" ")[0], e.reason) for e in entries] == [
        ("grade.adjust", f"{automatic:g}", f"{automatic + 2:g}", "late email, excused"),
        ("grade.adjust", f"{automatic + 2:g}", "0", "copied")]
    html = client.get(f"/staff/submissions/{submission_id}").get_data(as_text=True)
    assert 'id="final-score">0<' in html and "copied" in html
    grid = client.get(f"/staff/assignments/{seeded.assignment_id}/dashboard?q={student.email}").get_data(as_text=True)
    assert re.search(r'data-final="0(\.0)?"', grid)


def test_a_student_cannot_adjust(client, auth, seeded):
    student = next(s for s in seeded.students if s.latest)
    auth.login(student.email)
    response = client.post(f"/staff/submissions/{student.latest.submission_id}/adjust",
                           data={"points": "5", "comment": "mine"})
    assert response.status_code == 404


def test_staff_see_the_hidden_inputs_drawn_again_from_the_seed(app, client, auth, seeded):
    from grader.replay import hidden_inputs
    from server.dashboard.detail import shown_arrays
    student = next(s for s in seeded.students if s.latest and any(
        r.visibility == "hidden" and r.status == "failed" for r in s.latest.rows))
    auth.login(seeded.ta_email)
    detail_page = client.get(f"/staff/submissions/{student.latest.submission_id}").get_data(as_text=True)
    assert f'href="/staff/submissions/{student.latest.submission_id}/hidden-inputs"' in detail_page
    page = client.get(f"/staff/submissions/{student.latest.submission_id}/hidden-inputs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    with app.app_context():
        seed = db.session.get(Submission, student.latest.submission_id).result.seed
    exercises = hidden_inputs("gates", seed, functions={"add_forward", "add_backward", "mul_forward", "mul_backward"})
    assert [e.name for e in exercises] == ["add", "mul"]
    for exercise in exercises:
        assert f'data-exercise="{exercise.name}"' in html
        for case in exercise.cases:
            assert escape(case.label) in html
        for shown in shown_arrays(exercise.cases[0]):
            assert escape(shown.text) in html
    failed = sorted({r.function for r in student.latest.rows if r.visibility == "hidden" and r.status == "failed"})
    assert any(f"hidden checks failed: {', '.join(f for f in failed if f.startswith(name))}" in html
               for name in ("add", "mul"))


def test_hidden_inputs_of_a_submission_without_a_result_say_why(client, auth, seeded):
    errored = next(a for s in seeded.students for a in s.attempts if a.status == "error")
    auth.login(seeded.ta_email)
    html = client.get(f"/staff/submissions/{errored.submission_id}/hidden-inputs").get_data(as_text=True)
    assert 'id="hidden-problem"' in html and "no graded result" in html
