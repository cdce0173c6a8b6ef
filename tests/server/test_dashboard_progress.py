"""Attempts until each check passes, on the seeded class, against the same figures in plain Python."""
from __future__ import annotations

from collections import defaultdict

import pytest

from server.dashboard import progress
from server.extensions import db
from server.models import Assignment
from tests.server.dashboard_class import seed_class


@pytest.fixture
def seeded(app):
    with app.app_context():
        return seed_class()


def expected(seeded) -> dict:
    """(function, check) -> (students, passed, first try, mean first-pass attempt), from the Python facts."""
    first: dict[tuple, dict] = defaultdict(dict)        # (function, check) -> {student: first pass or None}
    for student in seeded.students:
        for attempt in student.attempts:
            if attempt.status != "graded":
                continue                                 # our failures: no result of record
            statuses = defaultdict(list)
            for row in attempt.rows:
                statuses[(row.function, row.check)].append(row.status)
            for key, seen in statuses.items():
                mine = first[key].setdefault(student.email, None)
                if mine is None and all(s == "passed" for s in seen):
                    first[key][student.email] = attempt.attempt
    table = {}
    for key, by_student in first.items():
        passes = [a for a in by_student.values() if a is not None]
        table[key] = (len(by_student), len(passes), sum(1 for a in passes if a == 1),
                      sum(passes) / len(passes) if passes else None)
    return table


def test_attempts_until_each_check_passes(app, seeded):
    with app.app_context():
        rows = progress.check_progress(db.session, db.session.get(Assignment, seeded.assignment_id))
    want = expected(seeded)
    got = {(r.function, r.check): (r.students, r.passed, r.first_try, r.mean_attempt) for r in rows}
    assert set(got) == set(want)
    for key, (students, passed, first_try, mean) in want.items():
        g = got[key]
        assert g[:3] == (students, passed, first_try), key
        assert g[3] == pytest.approx(mean) if mean is not None else g[3] is None
    assert any(r.passed - r.first_try > 0 for r in rows) and any(r.never > 0 for r in rows)   # the data has both


def test_the_page_shows_the_figures_to_staff(app, client, auth, seeded):
    auth.login(seeded.ta_email)
    page = client.get(f"/staff/assignments/{seeded.assignment_id}/progress")
    assert page.status_code == 200 and b"Attempts until each check passes" in page.data
    with app.app_context():
        rows = progress.check_progress(db.session, db.session.get(Assignment, seeded.assignment_id))
    for row in rows:
        assert f'data-function="{row.function}" data-check="{row.check}"'.encode() in page.data
