"""The web report arranges a stored report as `grade check` does: one line per distinct failure."""
from __future__ import annotations

import json

from grader.results import Report, Status, TestResult, Visibility
from server.report_view import report_view


def failed(check: str, visibility: Visibility, output: str, hint: str | None = "h") -> TestResult:
    return TestResult("affine_backward", check, visibility, Status.ERROR, 0, 1, output, hint, "shape_error")


def test_one_exception_stopping_several_checks_is_shown_once_with_the_others_named():
    crash = "ValueError: shapes (4,3) and (5,3) not aligned [inputs: x (4, 5)]"
    report = Report(tests=[
        failed("gradient", Visibility.VISIBLE, crash),
        failed("gradient", Visibility.HIDDEN, crash.replace("(4, 5)", "(7, 2)")),
        TestResult("affine_backward", "dtype", Visibility.VISIBLE, Status.PASSED, 1, 1),
        failed("no dout mutation", Visibility.VISIBLE, "dout was changed", "copy dout"),
    ])
    _, [function] = report_view(json.dumps(report.to_dict()), for_students=True)
    assert [e.label for e in function.entries] == ["gradient (public)", "no dout mutation (public)"]
    assert function.entries[0].also == ["gradient (hidden)"] and function.entries[1].also == []
    assert function.state == "failed" and len(function.passed) == 1 and function.score == 1
