"""Migration tests' shared set-up: an app whose database has no schema at all (PostgreSQL's test
database starts with the models' tables, SQLite's file does not exist yet), and the comparison
of what the migrations built with what the models describe."""
from __future__ import annotations

from contextlib import contextmanager

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade
from sqlalchemy import text

from server import MIGRATIONS, create_app
from server.extensions import db
from tests.server.conftest import config_for


@contextmanager
def empty_database(tmp_path, database_url):
    """Inside an app context on an empty database; downgraded to nothing again afterwards."""
    app = create_app(config_for(tmp_path, database_url), instance_path=str(tmp_path / "instance"))
    with app.app_context():
        if database_url.startswith("postgresql"):
            db.drop_all()
            _drop_version_table()
        try:
            yield app
        finally:
            db.session.remove()
            downgrade(directory=str(MIGRATIONS), revision="base")
            _drop_version_table()
            db.engine.dispose()


def differences_about(names) -> list:
    """What autogenerate would still change about these tables or indexes (empty: the migrations
    built exactly what the models describe)."""
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    return [d for d in diff if any(name in repr(d) for name in names)]


def _drop_version_table() -> None:
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
