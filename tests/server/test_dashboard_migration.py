"""Migration 0002 (score adjustments, regrades) on SQLite and PostgreSQL: it builds what the models
describe, and its downgrade removes it again."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from server import MIGRATIONS, create_app
from server.extensions import db
from tests.server.conftest import config_for

MINE = {"score_adjustments", "regrades", "regrade_items"}


# server/migrations/env.py (Flask-Migrate's template) calls Flask-SQLAlchemy's deprecated get_engine first
@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")
def test_upgrade_builds_the_models_and_downgrade_removes_them(tmp_path, database_url):
    app = create_app(config_for(tmp_path, database_url), instance_path=str(tmp_path / "instance"))
    with app.app_context():
        if database_url.startswith("postgresql"):
            db.drop_all()
            with db.engine.begin() as connection:
                connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        try:
            upgrade(directory=str(MIGRATIONS))
            assert MINE <= set(inspect(db.engine).get_table_names())
            with db.engine.connect() as connection:
                diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
            mine = [d for d in diff if any(name in repr(d) for name in MINE)]
            assert mine == []
            indexes = {ix["name"] for ix in inspect(db.engine).get_indexes("regrade_items")}
            assert "ix_regrade_items_regrade_state" in indexes
            downgrade(directory=str(MIGRATIONS), revision="0001")
            assert not MINE & set(inspect(db.engine).get_table_names())
        finally:
            downgrade(directory=str(MIGRATIONS), revision="base")
            with db.engine.begin() as connection:
                connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
            db.engine.dispose()
