"""check_histories, the dashboard's per-student summary of each check: it says what the test rows
say (computed here independently from the seeded class's facts), the queue keeps it as grades
land, the progress page reads fail shares and flaky checks from it, and migration 0004 builds it
for grades stored before it existed."""
from __future__ import annotations

from collections import defaultdict

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, func, select

from server import MIGRATIONS
from server.dashboard import progress
from server.extensions import db
from server.models import Assignment, CheckHistory, LatestGraded, Submission
from tests.server.dashboard_class import seed_class
from tests.server.helpers import REFERENCE, drain, upload
from tests.server.migrating import differences_about, empty_database

BUGGY_GATES = REFERENCE.parent / "tests" / "corpus" / "buggy" / "gates_mul_backward_swapped.py"

FAILING = {"failed", "error", "timeout"}


def letters_from_facts(seeded) -> dict[tuple, str]:
    """(email, function, check) -> one letter per graded attempt: P all passed, F any failing, - else."""
    out: dict[tuple, str] = defaultdict(str)
    for student in seeded.students:
        for attempt in student.attempts:
            if attempt.status != "graded":
                continue
            statuses = defaultdict(list)
            for row in attempt.rows:
                statuses[(row.function, row.check)].append(row.status)
            for (function, check), seen in statuses.items():
                letter = "P" if all(s == "passed" for s in seen) else "F" if FAILING & set(seen) else "-"
                out[(student.email, function, check)] += letter
    return out


def stored(seeded) -> dict[tuple, CheckHistory]:
    emails = {s.user_id: s.email for s in seeded.students}
    rows = db.session.scalars(select(CheckHistory).where(CheckHistory.assignment_id == seeded.assignment_id,
                                                         CheckHistory.user_id.in_(list(emails))))
    return {(emails[r.user_id], r.function, r.check): r for r in rows}


@pytest.fixture
def seeded(app):
    with app.app_context():
        return seed_class()


def test_histories_say_what_the_test_rows_say(app, seeded):
    want = letters_from_facts(seeded)
    with app.app_context():
        got = stored(seeded)
        assert {k: r.verdicts for k, r in got.items()} == want
        for key, row in got.items():
            assert row.latest == row.verdicts[-1]
            assert row.first_pass == (row.verdicts.index("P") + 1 if "P" in row.verdicts else None)
        # only the student who sent the same bytes twice and got two verdicts has a flaky check
        assert {k for k, r in got.items() if r.flaky} == {("s04@uni.test", "add_forward", "forward")}
        assert got[("s04@uni.test", "add_forward", "forward")].verdicts == "FP"


def test_fail_share_attempt_by_attempt_and_the_flaky_flag(app, client, auth, seeded):
    want = letters_from_facts(seeded)
    with app.app_context():
        rows = progress.check_progress(db.session, db.session.get(Assignment, seeded.assignment_id))
    assert rows
    for r in rows:
        mine = [v for (e, f, c), v in want.items() if (f, c) == (r.function, r.check)]
        for k in range(1, progress.ATTEMPTS_SHOWN + 1):
            assert r.tried[k - 1] == sum(1 for v in mine if len(v) >= k)
            assert r.failing[k - 1] == sum(1 for v in mine if len(v) >= k and v[k - 1] == "F")
        assert r.flaky == (1 if (r.function, r.check) == ("add_forward", "forward") else 0)
    assert any(r.failing[0] > r.failing[1] for r in rows)          # the seeded class improves
    auth.login(seeded.ta_email)
    page = client.get(f"/staff/assignments/{seeded.assignment_id}/progress").get_data(as_text=True)
    assert 'id="flaky"' in page and '<li data-function="add_forward" data-check="forward">' in page
    first = next(r for r in rows if r.tried[0])
    assert (f'data-attempt="1"\n          data-failing="{first.failing[0]}" data-students="{first.tried[0]}"') in page


def test_the_queue_keeps_histories_as_grades_land(app, client, auth, world):
    auth.login(world.emails["student"])
    for content in (BUGGY_GATES.read_bytes(), (REFERENCE / "gates" / "gates.py").read_bytes()):
        assert upload(client, world.assignment_id, "gates.py", content).status_code == 303
        assert drain(app) == 1
    with app.app_context():
        rows = db.session.scalars(select(CheckHistory).where(CheckHistory.assignment_id == world.assignment_id)).all()
        assert rows and {len(r.verdicts) for r in rows} == {2}
        assert all(r.verdicts[1] == "P" and r.latest == "P" and not r.flaky for r in rows)   # the reference passes
        fixed = [r for r in rows if r.verdicts[0] == "F"]
        assert fixed and all(r.first_pass == 2 for r in fixed)
        newest = db.session.scalar(select(func.max(Submission.id)).where(Submission.assignment_id == world.assignment_id))
        assert db.session.scalars(select(LatestGraded.submission_id)
                                  .where(LatestGraded.assignment_id == world.assignment_id)).all() == [newest]


@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")
def test_migration_0004_builds_histories_for_stored_grades(tmp_path, database_url):
    with empty_database(tmp_path, database_url):
        upgrade(directory=str(MIGRATIONS))
        assert differences_about(["check_histories"]) == []       # the migration builds what the model describes
        seeded = seed_class()
        kept = {k: (r.verdicts, r.head, r.latest, r.first_pass, r.flaky) for k, r in stored(seeded).items()}
        assert kept
        db.session.execute(delete(CheckHistory))
        db.session.commit()
        db.session.remove()
        downgrade(directory=str(MIGRATIONS), revision="0003")
        upgrade(directory=str(MIGRATIONS), revision="0004")
        rebuilt = {k: (r.verdicts, r.head, r.latest, r.first_pass, r.flaky) for k, r in stored(seeded).items()}
        assert rebuilt == kept


@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")
def test_migration_0006_records_each_students_latest_graded_submission(tmp_path, database_url):
    with empty_database(tmp_path, database_url):
        upgrade(directory=str(MIGRATIONS))
        assert differences_about(["latest_graded"]) == []
        seeded = seed_class()
        want = {s.user_id: s.latest.submission_id for s in seeded.students if s.latest}
        kept = dict(db.session.execute(select(LatestGraded.user_id, LatestGraded.submission_id)
                                       .where(LatestGraded.user_id.in_(list(want)))).all())
        assert kept == want                     # what the queue's refresh recorded
        db.session.execute(delete(LatestGraded))
        db.session.commit()
        db.session.remove()
        downgrade(directory=str(MIGRATIONS), revision="0005")
        upgrade(directory=str(MIGRATIONS), revision="0006")
        rebuilt = dict(db.session.execute(select(LatestGraded.user_id, LatestGraded.submission_id)
                                          .where(LatestGraded.user_id.in_(list(want)))).all())
        assert rebuilt == want                  # and what the migration builds from stored grades
