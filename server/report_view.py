"""A stored report arranged for a page: per function, what failed first, what waits, what passed.

The same arrangement as `grade check`'s text report (grader.report.text), so a student sees the
same feedback in the terminal and in the browser.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from grader.report import graphs as graph_report
from grader.report.text import WAITING_PREFIXES, same_failure
from grader.results import Report, Status, TestResult

MARKS = {Status.PASSED: "✓", Status.FAILED: "✗", Status.ERROR: "!", Status.TIMEOUT: "⏱",
         Status.MISSING: "·", Status.SKIPPED: "-"}


@dataclass
class Entry:
    test: TestResult
    label: str
    first_line: str
    more: str
    also: list[str] = field(default_factory=list)     # other checks the same failure stopped

    @property
    def mark(self) -> str:
        return MARKS[self.test.status]

    @property
    def status(self) -> str:
        return str(self.test.status)


@dataclass
class FunctionView:
    name: str
    score: float
    max_score: float
    state: str                                   # passed, failed, missing
    entries: list[Entry] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)     # checks that wait for the ones above
    passed: list[Entry] = field(default_factory=list)


def where(test: TestResult) -> str:
    return "public" if test.visibility == "visible" else "hidden"


def entry(test: TestResult, label: str | None = None) -> Entry:
    output = test.output or ("" if test.status is Status.PASSED else str(test.status))
    first, *rest = output.splitlines() or [""]
    return Entry(test, label or f"{test.check} ({where(test)})", first, "\n".join(rest))


def function_view(name: str, tests: list[TestResult], scale: float = 1.0) -> FunctionView:
    """One function's checks; its points times `scale` (the assignment's points per grader point)."""
    failing = [t for t in tests if t.status is not Status.PASSED]
    unwritten = bool(tests) and all(t.status is Status.MISSING for t in tests)
    view = FunctionView(name, sum(t.score for t in tests) * scale, sum(t.max_score for t in tests) * scale,
                        "passed" if not failing else "missing" if unwritten else "failed")
    # An unfinished function fails every check the same way: say it once.
    if failing and len(failing) == len(tests) and len({(t.status, t.output) for t in failing}) == 1:
        view.entries.append(entry(failing[0], "all checks"))
        return view
    # The same failure (one exception stopping several checks) is shown once, with the others named.
    shown: dict[tuple, Entry] = {}
    for test in tests:
        if test.status is Status.PASSED:
            view.passed.append(entry(test))
        elif test.status is Status.SKIPPED and test.output.startswith(WAITING_PREFIXES):
            view.waiting.append(test.check)
        elif same_failure(test) in shown:
            shown[same_failure(test)].also.append(f"{test.check} ({where(test)})")
        else:
            shown[same_failure(test)] = entry(test)
            view.entries.append(shown[same_failure(test)])
    view.waiting = list(dict.fromkeys(view.waiting))
    return view


def report_view(report_json: str, *, for_students: bool, points: float | None = None,
                raw_max: float | None = None) -> tuple[Report, list[FunctionView]]:
    """The stored report and its functions' views; `for_students`: what a student may see of it
    (Report.for_students: no measure of a hidden check), else all of it, for staff. Points are on
    the assignment's scale when `points` (the assignment's) and `raw_max` (the grading's grader
    points) are given: one scale on the page."""
    report = Report.from_dict(json.loads(report_json))
    if for_students:
        report = report.for_students()
    scale = points / raw_max if points is not None and raw_max else 1.0
    return report, [function_view(f, [t for t in report.tests if t.function == f], scale)
                    for f in report.functions()]


def result_view(result, points: float, *, for_students: bool) -> tuple[Report, list[FunctionView]]:
    """report_view of a stored Result, on the assignment's `points`."""
    return report_view(result.report_json, for_students=for_students, points=points, raw_max=result.raw_max)


def graph_views(graphs: list[dict]) -> list[dict]:
    """A report's staged graphs as the page draws them (the text report's rows: grader.report.graphs),
    a hidden graph that fared as the public one said in its heading instead of drawn twice."""
    return [{"exercise": graph.get("exercise", ""), "visibility": graph.get("visibility", ""),
             "heading": graph_report.heading(graph), "first_wrong": graph.get("first_wrong"),
             "rows": graph_report.rows(graph)} for graph in graph_report.shown(graphs)]
