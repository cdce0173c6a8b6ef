"""Migration 0008 (grade policy, upload prechecks, active submissions, worker heartbeats, failed_at)
on SQLite and PostgreSQL: it builds what the models describe, and a downgrade and upgrade keep every
submission and result (on SQLite a table copy would have cascaded their deletion)."""
from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select

from server import MIGRATIONS
from server.extensions import db
from server.models import Assignment, Result, Submission
from tests.server.dashboard_class import seed_class
from tests.server.migrating import differences_about, empty_database
from tests.server.test_gradebook import live, stored


@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")
def test_migration_0008_adds_the_gradebook_and_keeps_every_grade(tmp_path, database_url):
    with empty_database(tmp_path, database_url):
        upgrade(directory=str(MIGRATIONS))
        assert differences_about({"grade_policy", "precheck_uploads", "active_submissions", "worker_heartbeats",
                                  "failed_at", "grade_records"}) == []
        seed_class()
        db.session.commit()
        kept = (db.session.scalar(select(func.count()).select_from(Submission)),
                db.session.scalar(select(func.count()).select_from(Result)))
        db.session.remove()
        downgrade(directory=str(MIGRATIONS), revision="0007")
        assert "grade_policy" not in {c["name"] for c in inspect(db.engine).get_columns("assignments")}
        assert "active_submissions" not in inspect(db.engine).get_table_names()
        upgrade(directory=str(MIGRATIONS), revision="0008")
        assert (db.session.scalar(select(func.count()).select_from(Submission)),
                db.session.scalar(select(func.count()).select_from(Result))) == kept
        assignment = db.session.scalar(select(Assignment))
        assert (assignment.grade_policy, assignment.precheck_uploads) == ("best", True)     # the defaults
        assert stored(assignment) and stored(assignment) == live(assignment)    # built for the stored grades
