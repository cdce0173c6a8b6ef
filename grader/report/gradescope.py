"""Gradescope's results.json: hidden-case tests are shown once grades are published."""
from __future__ import annotations

import json

from ..results import Report, Status, Visibility
from .graphs import shown, text_lines

_VISIBILITY = {Visibility.VISIBLE: "visible", Visibility.HIDDEN: "after_published"}


def to_gradescope_dict(report: Report) -> dict:
    report = report.for_students()    # results.json is shown to students
    tests = []
    for test in report.tests:
        output = test.output
        if test.hint:
            output = f"{output}\nHint: {test.hint}" if output else f"Hint: {test.hint}"
        tests.append({
            "name": test.name,
            "score": test.score,
            "max_score": test.max_score,
            "status": "passed" if test.status is Status.PASSED else "failed",
            "output": output,
            "visibility": _VISIBILITY[test.visibility],
        })
    result = {"score": report.score, "tests": tests, "visibility": "visible", "stdout_visibility": "hidden"}
    # A staged graph drawn at the top, public only: the top-level output shows before grades are published.
    public = shown([graph for graph in report.graphs if graph.get("visibility") == str(Visibility.VISIBLE)])
    parts = ["\n".join(line for graph in public for line in text_lines(graph))] if public else []
    if report.student_output:
        parts.append("Your code printed:\n" + report.student_output[-4000:])
    if parts:
        result["output"] = "\n\n".join(parts)
    return result


def to_gradescope(report: Report, **_options) -> str:
    return json.dumps(to_gradescope_dict(report), indent=2)
