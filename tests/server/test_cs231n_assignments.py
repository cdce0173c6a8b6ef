"""The CS231n assignments (layers2, rnn_layers, svm) on the site: an instructor publishes each with
the assignment form, students upload a right and a wrong file, the queue grades them with hidden
checks, and the dashboard's heat map shows the wrong gradient by its CS231n name (dw, dWh, dx).
On SQLite and PostgreSQL."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Assignment, Result, Submission, SubmissionStatus, TestRow
from tests.server.helpers import REFERENCE, drain, upload

# (assignment, its reference file, a one-line bug, the (function, gradient) it makes wrong, the
# gradients the heat map must have for that function)
CASES = [
    ("layers2", "layers2/layers2.py",
     ("dw += np.tensordot(d, x_pad", "dw -= np.tensordot(d, x_pad"), ("conv_backward_naive", "dw"), {"dx", "dw", "db"}),
    ("rnn_layers", "rnn_layers/rnn_layers.py",
     ("rnn_step_backward(dh[:, t] + dprev_h, cache[t])\n        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t,",
      "rnn_step_backward(dh[:, t] + dprev_h, cache[t])\n        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t.T,"),
     ("rnn_backward", "dWh"),
     {"dx", "dh0", "dWx", "dWh", "db"}),
    ("svm", "svm/svm.py", ("    return loss, positive / n\n", "    return loss, positive\n"), ("svm_loss", "dx"), {"dx"}),
]


def _publish(client, course_id: int, exercise: str) -> None:
    form = {"slug": exercise.replace("_", "-"), "title": f"CS231n {exercise}", "exercise": exercise, "points": "100",
            "due_at": "2099-01-01T12:00", "late_penalty_percent": "0", "late_days_allowed": "0",
            "submission_limit": "", "limit_period": "total", "grade_policy": "best", "precheck_uploads": "y",
            "published": "y"}
    response = client.post(f"/staff/courses/{course_id}/assignments/new", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]


def _heat_map(html: str) -> dict[tuple[str, str], tuple[int, int]]:
    heat = html[html.index('id="gradient-heatmap"'):]
    heat = heat[:heat.index("</table>")]
    cells = re.findall(r'data-function="(\w+)" data-gradient="(\w+)"\s+data-wrong="(\d+)" data-students="(\d+)"', heat)
    return {(f, g): (int(w), int(n)) for f, g, w, n in cells}


@pytest.mark.parametrize("exercise, reference, bug, wrong, gradients", CASES, ids=[c[0] for c in CASES])
def test_a_cs231n_assignment_is_published_graded_and_on_the_dashboard(app, client, auth, world, exercise, reference,
                                                                      bug, wrong, gradients):
    good = (REFERENCE / reference).read_text()
    assert good.count(bug[0]) == 1
    auth.login(world.emails["instructor"])
    _publish(client, world.course_id, exercise)
    auth.logout()
    with app.app_context():
        assignment_id = db.session.scalar(select(Assignment.id).where(Assignment.exercise == exercise))

    for who, source in (("student", good), ("other", good.replace(*bug))):
        auth.login(world.emails[who])
        assert f"CS231n {exercise}" in client.get("/").get_data(as_text=True)
        assert upload(client, assignment_id, f"{exercise}.py", source.encode()).status_code == 303
        auth.logout()
    assert drain(app) == 2

    with app.app_context():
        right, buggy = db.session.scalars(select(Submission).order_by(Submission.id)).all()
        assert right.status is buggy.status is SubmissionStatus.GRADED
        assert db.session.get(Result, right.result_id).score == pytest.approx(100.0)
        assert db.session.get(Result, buggy.result_id).score < 100.0
        failed = db.session.scalars(select(TestRow).where(TestRow.result_id == buggy.result_id,
                                                          TestRow.status != "passed")).all()
        assert {r.function for r in failed} == {wrong[0]}
        assert {"visible", "hidden"} <= {r.visibility for r in failed}

    auth.login(world.emails["ta"])
    assert client.get(f"/staff/assignments/{assignment_id}/dashboard").status_code == 200
    cells = _heat_map(client.get(f"/staff/assignments/{assignment_id}/mistakes").get_data(as_text=True))
    assert {g for f, g in cells if f == wrong[0]} == gradients
    assert cells[wrong] == (1, 2)
    assert all(cells[(wrong[0], g)] == (0, 2) for g in gradients - {wrong[1]})
    students = client.get(f"/staff/assignments/{assignment_id}/gradients/{wrong[0]}/{wrong[1]}").get_data(as_text=True)
    assert set(re.findall(r'data-user="([^"]+)"', students)) == {world.emails["other"]}
