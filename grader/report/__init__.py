"""Report formats: the edges where results become text, JSON or Gradescope's results.json.

Every format renders what a student may see (Report.for_students: no measure of a hidden check);
staff read the full report, as grade() returns it and the server and `grade batch` store it."""
from __future__ import annotations

from .gradescope import to_gradescope
from .html import to_html
from .json_report import to_json
from .text import to_text

FORMATS = {"text": to_text, "json": to_json, "gradescope": to_gradescope, "html": to_html}

__all__ = ["FORMATS", "to_gradescope", "to_html", "to_json", "to_text"]
