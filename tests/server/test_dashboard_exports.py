"""Grade exports (Canvas CSV, plain CSV, JSON) from the web and from `grade admin export`."""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from server import gradebook
from server.cli import admin
from tests.server.dashboard_class import seed_class


@pytest.fixture
def seeded(app):
    with app.app_context():
        return seed_class()


def expected_finals(seeded) -> dict[str, str]:
    return {s.email: gradebook.show(s.final(s.record)) if s.record else "" for s in seeded.students}


def test_canvas_csv_has_canvas_columns_and_the_latest_grades(client, auth, seeded):
    auth.login(seeded.ta_email)
    response = client.get(f"/staff/assignments/{seeded.assignment_id}/export/canvas")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Gates"]
    assert rows[1][0] == "Points Possible" and rows[1][5] == "10"
    assert {row[3]: row[5] for row in rows[2:]} == expected_finals(seeded)


def test_plain_csv_keeps_automatic_and_adjusted_apart(client, auth, seeded):
    auth.login(seeded.ta_email)
    rows = list(csv.DictReader(io.StringIO(client.get(
        f"/staff/assignments/{seeded.assignment_id}/export/csv").get_data(as_text=True))))
    assert len(rows) == len(seeded.students)
    adjusted = next(s for s in seeded.students if s.adjustment)
    row = next(r for r in rows if r["email"] == adjusted.email)
    assert float(row["automatic"]) == gradebook.rounded(adjusted.record.score)
    assert float(row["adjustment"]) == adjusted.adjustment
    assert {r["email"]: r["final"] for r in rows} == expected_finals(seeded)


def test_json_has_every_test_of_record(client, auth, seeded):
    auth.login(seeded.ta_email)
    document = client.get(f"/staff/assignments/{seeded.assignment_id}/export/json").get_json()
    by_email = {s["email"]: s for s in document["students"]}
    for student in seeded.students:
        tests = by_email[student.email]["tests"]
        expected = student.record.rows if student.record else []
        assert [(t["function"], t["check"], t["visibility"], t["status"], t["mistake"]) for t in tests] == [
            (r.function, r.check, r.visibility, r.status, r.mistake) for r in expected]
        assert [(t["relative_error"], t["wrong_gradients"]) for t in tests] == [
            (r.relative_error, list(r.wrong_gradients)) for r in expected]
    named = [t for s in document["students"] for t in s["tests"] if t["wrong_gradients"]]
    assert named and any(len(t["wrong_gradients"]) > 1 for t in named)     # the seeded class has both kinds
    assert client.get(f"/staff/assignments/{seeded.assignment_id}/export/xlsx").status_code == 404


@pytest.fixture
def cli_apps(monkeypatch):
    """The apps the CLI makes, so their connection pools are closed after the test."""
    import server.cli
    made, make = [], server.cli.make_app
    monkeypatch.setattr(server.cli, "make_app", lambda *a, **k: made.append(make(*a, **k)) or made[-1])
    yield made
    from server.extensions import db
    for cli_app in made:
        with cli_app.app_context():
            db.engine.dispose()


def test_grade_admin_export(app, seeded, tmp_path, cli_apps):
    env = {"DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "k", "GRADING_SECRET": "g"}
    out = tmp_path / "grades.csv"
    result = CliRunner().invoke(admin, ["export", "--instance", str(tmp_path / "cli"), "dash7", "gates",
                                        "--format", "canvas", "-o", str(out)], env=env)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert {row[3]: row[5] for row in rows[2:]} == expected_finals(seeded)
    result = CliRunner().invoke(admin, ["export", "--instance", str(tmp_path / "cli"), "dash7", "layers"], env=env)
    assert result.exit_code != 0 and "has no assignment 'layers'" in result.output
    result = CliRunner().invoke(admin, ["export", "--instance", str(tmp_path / "cli"), "dash7", "gates",
                                        "--format", "json"], env=env)
    assert json.loads(result.output)["assignment"]["slug"] == "gates"
