"""The JSON report: one object, the schema `grade check --format json` documents (what a student
may see: Report.for_students)."""
from __future__ import annotations

import json

from ..results import Report


def to_json(report: Report, **_options) -> str:
    return json.dumps(report.for_students().to_dict(), indent=2)
