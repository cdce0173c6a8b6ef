"""The JSON report: one object, the schema `grade check --format json` documents."""
from __future__ import annotations

import json

from ..results import Report


def to_json(report: Report, **_options) -> str:
    return json.dumps(report.to_dict(), indent=2)
