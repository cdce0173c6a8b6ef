"""The terminal report: grouped by function, one line per failed check with its hint."""
from __future__ import annotations

import re
import textwrap

import click

from ..diagnosis.tracebacks import exception_type, raised
from ..results import Report, Status, TestResult, score_text
from .graphs import shown as drawn_graphs
from .graphs import text_lines

_MARKS = {Status.PASSED: ("✓", "green"), Status.FAILED: ("✗", "red"), Status.ERROR: ("!", "red"),
          Status.TIMEOUT: ("⏱", "red"), Status.MISSING: ("·", "yellow"), Status.SKIPPED: ("-", "yellow")}


# Skipped tests that only wait for a main check: listed in one line, not one each.
WAITING_PREFIXES = ("not checked until", "passes, but earns")


def _fmt(number: float) -> str:
    return score_text(number)


def to_text(report: Report, *, color: bool = False, verbose: bool = False) -> str:
    """The whole report as text; `verbose` also lists passed checks."""
    def style(text: str, **kw) -> str:
        return click.style(text, **kw) if color else text

    report = report.for_students()

    lines: list[str] = [style(f"Note: {note}", fg="yellow") for note in report.notes]
    for function in report.functions():
        tests = [t for t in report.tests if t.function == function]
        score, possible = sum(t.score for t in tests), sum(t.max_score for t in tests)
        done = all(t.status is Status.PASSED for t in tests)
        head = f"{function}  {_fmt(score)}/{_fmt(possible)}"
        lines.append(style(head, bold=True, fg="green" if done else None))
        lines.extend(_function_lines(tests, style, verbose))
    for graph in drawn_graphs(report.graphs):
        lines.extend(text_lines(graph))
    if report.student_output.strip():
        shown = report.student_output.strip().splitlines()
        lines.append(style("Your code printed:", bold=True))
        lines.extend("  | " + line for line in shown[:20])
        if len(shown) > 20:
            lines.append(f"  | ... ({len(shown) - 20} more lines)")
    passed = sum(t.status is Status.PASSED for t in report.tests)
    summary = (f"Score: {_fmt(report.score)} / {_fmt(report.max_score)}   "
               f"({passed} of {len(report.tests)} checks passed)")
    if report.seed is not None:
        summary += f"   seed {report.seed}"
    lines.append(style(summary, bold=True, fg="green" if report.all_passed else "red"))
    return "\n".join(lines)


def _function_lines(tests: list[TestResult], style, verbose: bool) -> list[str]:
    failing = [t for t in tests if t.status is not Status.PASSED]
    # An unfinished or missing function fails every check the same way: say it once.
    if failing and len(failing) == len(tests) and len({(t.status, t.output) for t in failing}) == 1:
        return _entry(failing[0], style, label="all checks")
    lines = []
    waiting = [t for t in tests if t.status is Status.SKIPPED and t.output.startswith(WAITING_PREFIXES)]
    # The same failure (one exception stopping several checks) is shown once, with a count.
    repeats: dict[tuple, list[TestResult]] = {}
    for test in tests:
        if test.status is not Status.PASSED and test not in waiting:
            repeats.setdefault(same_failure(test), []).append(test)
    for test in tests:
        if test in waiting and not verbose:
            continue
        if test.status is Status.PASSED:
            if verbose:
                lines.append(style(f"  ✓ {test.check} ({_where(test)})", fg="green"))
            elif test.output:
                lines.append(style(f"  ✓ {test.check} ({_where(test)}): {test.output}", fg="green"))
            continue
        group = repeats.get(same_failure(test), [test])
        if test is not group[0] and not verbose:
            continue
        lines.extend(_entry(test, style))
        if len(group) > 1 and not verbose:
            names = ", ".join(f"{t.check} ({_where(t)})" for t in group[1:])
            lines.append(style(f"      (the same stopped {len(group) - 1} more check(s): {names})", fg=_MARKS[test.status][1]))
    if waiting and not verbose:
        names = ", ".join(dict.fromkeys(t.check for t in waiting))
        lines.append(style(f"  - {len(waiting)} more check(s) wait for the ones above to pass: {names}", fg="yellow"))
    return lines


def same_failure(test: TestResult) -> tuple:
    """What makes two failures the same for the reader: status, message (whatever the inputs), hint.
    An exception is the same by where it was raised and its type: a hidden check shows no message
    (grader.runner.redaction), so its twin on a public case differs in that only."""
    output = _INPUTS.sub("", test.output or "")
    if test.status is Status.ERROR and raised(output):
        output = _exception_identity(output)
    return test.status, output, test.hint


_INPUTS = re.compile(r" \[inputs: [^\]]*\]")
_WHERE = re.compile(r'^\s*(File "[^"]*", line \d+|cell \d+, line \d+)', re.MULTILINE)


def _exception_identity(output: str) -> str:
    """'f raised an exception:' with the traceback's locations and the exception's type only."""
    head, trace = raised(output)
    last = trace.strip().splitlines()[-1] if trace.strip() else ""
    return "\n".join([head, *_WHERE.findall(trace), exception_type(trace) or last])


def _where(test: TestResult) -> str:
    return "public" if test.visibility == "visible" else "hidden"


def _entry(test: TestResult, style, label: str | None = None) -> list[str]:
    mark, colour = _MARKS[test.status]
    name = label or f"{test.check} ({_where(test)})"
    first, *rest = (test.output or test.status.value).splitlines()
    lines = [style(f"  {mark} {name}: {first}", fg=colour)]
    lines.extend("      " + line for line in rest)
    if test.hint:
        wrapped = textwrap.wrap(test.hint, width=92, initial_indent="      hint: ", subsequent_indent="            ")
        lines.extend(style(line, fg="cyan") for line in wrapped)
    return lines
