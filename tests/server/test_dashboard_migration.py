"""Migrations 0002 (score adjustments, regrades), 0003 (indexes) and 0007 (wrong gradients) on SQLite and PostgreSQL:
each builds what the models describe, and its downgrade removes it again."""
from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select

from server import MIGRATIONS
from server.extensions import db
from server.models import TestRow
from tests.server.dashboard_class import seed_class
from tests.server.migrating import differences_about, empty_database

MINE = {"score_adjustments", "regrades", "regrade_items"}
INDEXES = {"submissions": {"ix_submissions_latest", "ix_submissions_timeline"},
           "test_results": {"ix_test_results_result_cover", "ix_test_results_result_error",
                            "ix_test_results_result_failing", "ix_test_results_result_mistake"}}


# server/migrations/env.py (Flask-Migrate's template) calls Flask-SQLAlchemy's deprecated get_engine first
@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")
def test_upgrade_builds_the_models_and_downgrade_removes_them(tmp_path, database_url):
    with empty_database(tmp_path, database_url):
        upgrade(directory=str(MIGRATIONS))
        assert MINE <= set(inspect(db.engine).get_table_names())
        assert differences_about(MINE | set().union(*INDEXES.values())) == []
        indexes = {ix["name"] for ix in inspect(db.engine).get_indexes("regrade_items")}
        assert "ix_regrade_items_regrade_state" in indexes
        for table, expected in INDEXES.items():
            assert expected <= {ix["name"] for ix in inspect(db.engine).get_indexes(table)}
        downgrade(directory=str(MIGRATIONS), revision="0001")
        assert not MINE & set(inspect(db.engine).get_table_names())
        for table, expected in INDEXES.items():
            assert not expected & {ix["name"] for ix in inspect(db.engine).get_indexes(table)}


@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")
def test_migration_0007_adds_wrong_gradients_and_keeps_older_rows_as_not_known(tmp_path, database_url):
    with empty_database(tmp_path, database_url):
        upgrade(directory=str(MIGRATIONS))
        assert differences_about({"wrong_gradients", "ix_test_results_result_gradients"}) == []
        seed_class()
        rows = db.session.scalar(select(func.count()).select_from(TestRow))
        assert db.session.scalar(select(func.count()).where(TestRow.wrong_gradients.is_not(None))) > 0
        db.session.remove()
        downgrade(directory=str(MIGRATIONS), revision="0006")
        assert "wrong_gradients" not in {c["name"] for c in inspect(db.engine).get_columns("test_results")}
        assert "ix_test_results_result_gradients" not in {
            ix["name"] for ix in inspect(db.engine).get_indexes("test_results")}
        upgrade(directory=str(MIGRATIONS), revision="0007")
        assert db.session.scalar(select(func.count()).select_from(TestRow)) == rows      # every row kept ...
        assert db.session.scalar(select(func.count()).where(TestRow.wrong_gradients.is_not(None))) == 0  # not known
