"""What a batch writes under --out, and reads back to skip students already graded.

    grades.csv                       student, score, max_score, percent, status, graded_at
    reports/<student>.json           the full JSON report, plus the student id and submission hash
    gradescope/<student>/results.json  Gradescope's results.json for that student
"""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..gradescope_export import error_results
from .sources import StudentEntry

CSV_COLUMNS = ("student", "score", "max_score", "percent", "status", "graded_at")


@dataclass(frozen=True)
class BatchRow:
    """One student's line of the batch: `status` is 'graded' or 'error: <reason>'."""
    student: str
    status: str
    score: float | None
    max_score: float | None
    graded_at: str
    seconds: float
    failed: int | None          # checks that did not pass (None when not graded)
    reused: bool = False        # graded by an earlier run of the same submission, not this one

    @property
    def graded(self) -> bool:
        return self.status == "graded"

    @property
    def percent(self) -> float | None:
        if self.score is None or not self.max_score:
            return None if self.score is None else 0.0
        return round(100 * self.score / self.max_score, 2)


def report_path(out: Path, student: str) -> Path:
    return out / "reports" / f"{student}.json"


def gradescope_path(out: Path, student: str) -> Path:
    return out / "gradescope" / student / "results.json"


def error_status(message: str) -> str:
    """`error: <first line of the message>`, short enough for a spreadsheet cell."""
    first = (message.strip().splitlines() or ["unknown error"])[0]
    return f"error: {first[:200]}"


def record(out: Path, entry: StudentEntry, result: dict, options: dict) -> BatchRow:
    """Write one student's report and results.json (atomically); their row."""
    report = result["report"]
    status = "graded" if report is not None else error_status(result["error"])
    document = {"student": entry.student, "status": status, "error": result["error"],
                "submission": entry.path.name, "submission_sha256": entry.sha256, "options": options,
                "graded_at": result["graded_at"], "seconds": round(result["seconds"], 3)}
    document.update({key: value for key, value in (report or {}).items() if key not in document})
    gradescope = result["gradescope"] or error_results(
        f"Your submission could not be graded: {result['error']}")
    _write_json(report_path(out, entry.student), document)
    _write_json(gradescope_path(out, entry.student), gradescope)
    return _row(document)


def reusable(out: Path, entry: StudentEntry, options: dict) -> BatchRow | None:
    """The stored row of a student graded before from the same content and options, else None.

    Submissions that could not be graded are always tried again: that is cheap, and the cause
    (a crashed grader, a missing sandbox) may be gone."""
    try:
        document = json.loads(report_path(out, entry.student).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict) or not gradescope_path(out, entry.student).is_file():
        return None
    if (document.get("status") != "graded" or document.get("submission_sha256") != entry.sha256
            or document.get("options") != options or not isinstance(document.get("tests"), list)):
        return None
    try:
        return _row(document, reused=True)
    except (KeyError, TypeError, ValueError):
        return None


def _row(document: dict, reused: bool = False) -> BatchRow:
    graded = document["status"] == "graded"
    tests = document.get("tests") or []
    return BatchRow(
        student=document["student"], status=document["status"],
        score=float(document["score"]) if graded else None,
        max_score=float(document["max_score"]) if graded else None,
        graded_at=document["graded_at"], seconds=float(document.get("seconds", 0.0)),
        failed=sum(t["status"] != "passed" for t in tests) if graded else None, reused=reused)


def write_csv(out: Path, rows: list[BatchRow]) -> Path:
    """grades.csv, one row per student; score columns are empty for a submission not graded."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([row.student, _number(row.score), _number(row.max_score), _number(row.percent),
                         row.status, row.graded_at])
    path = out / "grades.csv"
    _write_text(path, buffer.getvalue())
    return path


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.10g}"


def _write_json(path: Path, data: dict) -> None:
    _write_text(path, json.dumps(data, indent=2) + "\n")


def _write_text(path: Path, text: str) -> None:
    """Write via a temporary file and rename: an interrupted batch never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
