"""Numbers from addresses, bounded before they reach the database: an id or page number beyond what
a column holds is a page that does not exist (404), never an overflow deep in a driver (500)."""
from __future__ import annotations

from flask import abort
from werkzeug.routing import IntegerConverter, ValidationError

ID_MAX = 2**31 - 1          # the INTEGER primary keys' largest value (PostgreSQL's int4)
PAGE_MAX = 100_000          # far past any real listing; its OFFSET still fits every database


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in every route: a number no row can have does not match the route (404)."""

    def __init__(self, map, **kwargs):
        kwargs.setdefault("max", ID_MAX)
        super().__init__(map, **kwargs)

    def to_python(self, value: str) -> int:
        if len(value) > len(str(ID_MAX)):      # int() of a megabyte of digits costs time; nothing that long fits
            raise ValidationError()
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
