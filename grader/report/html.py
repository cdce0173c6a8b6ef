"""The HTML report: the text report's content as one self-contained fragment (inline styles only),
for a notebook's output or a web page. Everything from a report is escaped: outputs hold what
student code printed or raised."""
from __future__ import annotations

from html import escape

from ..results import Report, Status, TestResult
from .graphs import shown as drawn_graphs
from .graphs import to_html as graph_html
from .text import WAITING_PREFIXES

GREEN, RED, YELLOW, GREY, CYAN = "#1a7f37", "#cf222e", "#9a6700", "#57606a", "#0a6a8a"
_MARKS = {Status.PASSED: ("✓", GREEN), Status.FAILED: ("✗", RED), Status.ERROR: ("!", RED),
          Status.TIMEOUT: ("⏱", RED), Status.MISSING: ("·", YELLOW), Status.SKIPPED: ("-", YELLOW)}
_BOX = ("font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; font-size: 14px; "
        "line-height: 1.45; color: #1f2328; border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 14px")
_LIST = "list-style: none; margin: 2px 0 8px 0; padding-left: 1.2em"
_PRE = ("margin: 2px 0 2px 1.4em; padding: 4px 8px; background: #f6f8fa; border-radius: 4px; "
        "white-space: pre-wrap; font-size: 12.5px")
MAX_OUTPUT_LINES = 20


def _fmt(number: float) -> str:
    return f"{number:g}"


def _where(test: TestResult) -> str:
    return "public" if test.visibility == "visible" else "hidden"


def to_html(report: Report, *, verbose: bool = False, full_page: bool = False) -> str:
    """The whole report as HTML. Passed checks are listed folded (open when `verbose`); `full_page`
    wraps the fragment in a complete document."""
    report = report.for_students()
    parts = [f'<div style="{_BOX}">']
    parts.extend(f'<p style="color: {YELLOW}; margin: 4px 0; white-space: pre-line">Note: {escape(note)}</p>' for note in report.notes)
    for function in report.functions():
        tests = [t for t in report.tests if t.function == function]
        parts.append(_function_html(function, tests, verbose))
    parts.extend(graph_html(graph) for graph in drawn_graphs(report.graphs))
    if report.student_output.strip():
        shown = report.student_output.strip().splitlines()
        more = f"\n... ({len(shown) - MAX_OUTPUT_LINES} more lines)" if len(shown) > MAX_OUTPUT_LINES else ""
        parts.append(f'<div style="margin: 6px 0"><b>Your code printed:</b>'
                     f'<pre style="{_PRE}">{escape(chr(10).join(shown[:MAX_OUTPUT_LINES]) + more)}</pre></div>')
    passed = sum(t.status is Status.PASSED for t in report.tests)
    summary = (f"Score: {_fmt(report.score)} / {_fmt(report.max_score)}   "
               f"({passed} of {len(report.tests)} checks passed)")
    if report.seed is not None:
        summary += f"   seed {report.seed}"
    colour = GREEN if report.all_passed else RED
    parts.append(f'<p style="font-weight: bold; color: {colour}; margin: 6px 0 2px 0">{escape(summary)}</p>')
    parts.append("</div>")
    fragment = "\n".join(parts)
    if not full_page:
        return fragment
    return ('<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Grading report</title></head>\n'
            f"<body>\n{fragment}\n</body>\n</html>\n")


def _function_html(function: str, tests: list[TestResult], verbose: bool) -> str:
    score, possible = sum(t.score for t in tests), sum(t.max_score for t in tests)
    done = all(t.status is Status.PASSED for t in tests)
    unwritten = all(t.status is Status.MISSING for t in tests)
    mark, colour = ("✓", GREEN) if done else ("·", YELLOW) if unwritten else ("✗", RED)
    head = (f'<div style="margin-top: 8px; font-weight: bold"><span style="color: {colour}">{mark}</span> '
            f'<code>{escape(function)}</code> <span style="color: {colour}">{_fmt(score)}/{_fmt(possible)}</span>'
            "</div>")
    failing = [t for t in tests if t.status is not Status.PASSED]
    # An unfinished or missing function fails every check the same way: say it once (as the text does).
    if failing and len(failing) == len(tests) and len({(t.status, t.output) for t in failing}) == 1:
        return head + f'<ul style="{_LIST}">{_entry(failing[0], "all checks")}</ul>'
    waiting = [t for t in tests if t.status is Status.SKIPPED and t.output.startswith(WAITING_PREFIXES)]
    passed = [t for t in tests if t.status is Status.PASSED]
    items = [_entry(t) for t in tests if t.status is not Status.PASSED and t not in waiting]
    if waiting:
        names = ", ".join(dict.fromkeys(t.check for t in waiting))
        items.append(f'<li style="color: {YELLOW}">- {len(waiting)} more check(s) wait for the ones above to '
                     f"pass: {escape(names)}</li>")
    if passed:
        listed = "".join(_entry(t) for t in passed)
        items.append(f'<li><details{" open" if verbose else ""}><summary style="color: {GREEN}; cursor: pointer">'
                     f'{len(passed)} check(s) passed</summary><ul style="{_LIST}">{listed}</ul></details></li>')
    return head + f'<ul style="{_LIST}">{"".join(items)}</ul>'


def _entry(test: TestResult, label: str | None = None) -> str:
    mark, colour = _MARKS[test.status]
    name = label or f"{test.check} ({_where(test)})"
    output = test.output or ("" if test.status is Status.PASSED else test.status.value)
    first, *rest = output.splitlines() or [""]
    text = f'<span style="color: {colour}">{mark} {escape(name)}</span>'
    if first:
        text += f": {escape(first)}"
    if rest:
        text += f'<pre style="{_PRE}">{escape(chr(10).join(rest))}</pre>'
    if test.hint:
        text += (f'<div style="color: {CYAN}; margin: 2px 0 2px 1.4em"><b>hint:</b> {escape(test.hint)}</div>')
    return f"<li>{text}</li>"
