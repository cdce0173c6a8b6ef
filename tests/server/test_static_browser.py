"""The site's static assets in a real browser: the dashboard's charts (server/static/dashboard/
charts.js), drawn from the table the chart_table macro renders, and the report's notes (style.css)."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.server.test_browser import CHROMIUM_ARGS

STATIC = Path(__file__).resolve().parents[2] / "server" / "static"


def y_ticks(app, tmp_path, percent: bool, values: list[float]) -> list[str]:
    """The y axis's tick labels of a bar chart of `values`, as the browser draws it."""
    with app.app_context():
        macro = app.jinja_env.get_template("dashboard/_charts.html").module.chart_table
        table = macro("c", "bar", "Caption", "Node", ["Share"], [(f"n{i}", [v]) for i, v in enumerate(values)],
                      percent=percent)
    page_file = tmp_path / "chart.html"
    page_file.write_text(f"""<!doctype html><html><head><style>.chart-box {{ height: 300px }}</style></head><body>
        {table}<script src="{(STATIC / 'vendor' / 'chart.umd.min.js').as_uri()}"></script>
        <script src="{(STATIC / 'dashboard' / 'charts.js').as_uri()}"></script></body></html>""")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(page_file.as_uri())
            page.wait_for_function("Chart.getChart(document.querySelector('canvas'))")
            return page.evaluate("Chart.getChart(document.querySelector('canvas')).scales.y.ticks.map(t => t.label)")
        finally:
            browser.close()


@pytest.mark.browser
def test_a_share_is_drawn_on_a_percentage_axis(app, tmp_path):
    ticks = y_ticks(app, tmp_path, True, [0.125, 0.25, 0.0])
    assert len(ticks) > 2 and all(t.endswith("%") for t in ticks), ticks      # not just 0 and 1
    assert ticks[0] == "0%" and "25%" in ticks


@pytest.mark.browser
def test_a_count_keeps_whole_number_ticks(app, tmp_path):
    ticks = y_ticks(app, tmp_path, False, [1, 3, 2])
    assert ticks == [str(n) for n in range(len(ticks))] and "3" in ticks


def rendered_text(tmp_path, html: str) -> str:
    """What the browser shows of `html`'s first .note, line breaks as rendered (innerText)."""
    page_file = tmp_path / "note.html"
    page_file.write_text(f'<!doctype html><html><head><link rel="stylesheet" href="{(STATIC / "style.css").as_uri()}">'
                         f"</head><body>{html}</body></html>")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(page_file.as_uri())
            return page.inner_text(".note")
        finally:
            browser.close()


@pytest.mark.browser
def test_a_note_listing_lines_to_change_keeps_its_lines(tmp_path):
    # the Python 2 note: one line per change, on the site and in the HTML report alike
    from grader.report.html import to_html
    from grader.results import Report
    note = "Change these lines, then submit again:\n  cell 5, line 1: xrange  ->  range\nPython 3 also divides"
    site = rendered_text(tmp_path, f'<div class="report"><p class="note">{note}</p></div>')
    assert site.splitlines() == ["Change these lines, then submit again:", "cell 5, line 1: xrange -> range",
                                 "Python 3 also divides"]
    report = rendered_text(tmp_path, to_html(Report(notes=[note])).replace("<p style=", '<p class="note" style=', 1))
    assert len(report.splitlines()) == 3
