"""Migration 0009 (LTI) on SQLite and PostgreSQL: it builds exactly what server.models.lti
describes, and its downgrade removes it again."""
from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from server import MIGRATIONS
from server.extensions import db
from tests.server.migrating import differences_about, empty_database

LTI_TABLES = {"lti_platforms", "lti_contexts", "lti_users", "lti_resource_links", "lti_line_items",
              "lti_login_states", "lti_launch_tokens", "lti_passbacks"}


@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")
def test_migration_0009_builds_the_lti_tables_and_downgrade_removes_them(tmp_path, database_url):
    with empty_database(tmp_path, database_url):
        upgrade(directory=str(MIGRATIONS))
        assert LTI_TABLES <= set(inspect(db.engine).get_table_names())
        assert differences_about(LTI_TABLES) == []
        assert "ix_lti_passbacks_state_next" in {ix["name"] for ix in inspect(db.engine).get_indexes("lti_passbacks")}
        downgrade(directory=str(MIGRATIONS), revision="0008")
        assert not LTI_TABLES & set(inspect(db.engine).get_table_names())
