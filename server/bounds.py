"""Numbers from addresses, bounded before they reach the database: an id or page number beyond what
a column holds is a page that does not exist (404), never an overflow deep in a driver (500)."""
from __future__ import annotations

from flask import abort
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

ID_MAX = 2**31 - 1          # the INTEGER primary keys' largest value (PostgreSQL's int4)
PAGE_MAX = 100_000          # far past any real listing; its OFFSET still fits every database


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in every route: a number no row can have is a page that does not exist (404).

    NotFound rather than werkzeug's ValidationError: that one makes the router try the path's other
    rules, and where a path has a rule per method it answered 405 for an id that was merely too big."""

    def to_python(self, value: str) -> int:
        # The length first: int() of a megabyte of digits costs time, and nothing that long fits.
        if len(value) > len(str(ID_MAX)) or int(value) > ID_MAX:
            raise NotFound(f"There is nothing numbered {value[:20]}{'…' if len(value) > 20 else ''} here.")
        return super().to_python(value)


def page_number(args) -> int:
    """The ?page= argument: 1 when absent or not a number, 404 beyond PAGE_MAX."""
    page = args.get("page", 1, type=int) or 1
    if page > PAGE_MAX:
        abort(404, f"There is no page {page}: listings here stop long before page {PAGE_MAX:,}.")
    return max(page, 1)


def id_arg(args, name: str) -> int | None:
    """An id from the query string (?assignment_id=): None when absent, 400 when not an id."""
    value = args.get(name)
    if value is None:
        return None
    if not value.isdigit() or len(value) > len(str(ID_MAX)) or int(value) > ID_MAX:
        abort(400, f"{name} must be a whole number from 1 to {ID_MAX}.")
    return int(value)


def init_app(app) -> None:
    """Before any blueprint registers a route: rules bind their converters when added."""
    app.url_map.converters["int"] = DatabaseIdConverter
