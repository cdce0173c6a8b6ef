"""The dashboard in a real headless Chromium, as a TA, against a live server on a SQLite file:
every page loads with its charts drawn, the numbers shown are the database's, a mistake clicks
through to its students, and screenshots (light and dark) land in /tmp/dashboard-shots."""
from __future__ import annotations

import re
import socket
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from server import create_app
from server.dashboard import mistakes, overview
from server.extensions import db
from server.models import Assignment
from tests.server.conftest import config_for
from tests.server.dashboard_class import seed_class
from tests.server.helpers import PASSWORD

SHOTS = Path("/tmp/dashboard-shots")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live(tmp_path):
    """(base url, app, seeded class): the app served by werkzeug in a thread."""
    port = free_port()
    app = create_app(config_for(tmp_path, f"sqlite:///{tmp_path / 'live.db'}", SERVER_NAME=None,
                                WTF_CSRF_ENABLED=True),
                     instance_path=str(tmp_path / "instance"))
    with app.app_context():
        db.create_all()
        seeded = seed_class(n_students=60, seed=11)
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}", app, seeded
    server.shutdown()
    thread.join()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--no-sandbox", "--disable-background-networking"])
        yield chromium
        chromium.close()


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.wait_for_timeout(150)       # the charts redraw on the theme change (a screenshot, not an assertion)
        page.screenshot(path=str(SHOTS / f"{name}-{scheme}.png"), full_page=True)
    page.emulate_media(color_scheme="light")


def stat(page, name: str) -> str:
    return page.locator(f"#stat-{name}").inner_text().strip()


def test_a_ta_reads_the_dashboard(live, browser):
    base, app, seeded = live
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and "status of 404" not in m.text else None)   # 404s: counted by url above
    page.goto(f"{base}/login")
    page.fill("#email", seeded.ta_email)
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(re.compile(r".*/$"))

    with app.app_context():
        assignment = db.session.get(Assignment, seeded.assignment_id)
        counts = overview.counts(db.session, assignment)
        bins = overview.distribution(db.session, assignment)
        top = mistakes.mistake_counts(db.session, assignment)
        rates = mistakes.check_rates(db.session, assignment)

    page.goto(f"{base}/staff/assignments/{seeded.assignment_id}/dashboard")
    assert stat(page, "enrolled") == str(counts.enrolled)
    assert stat(page, "not-submitted") == str(counts.not_submitted)
    assert stat(page, "late-submissions") == str(counts.late_submissions)
    shown = [int(cell.get_attribute("data-value")) for cell in page.locator("#distribution td").all()]
    assert shown == [b.count for b in bins]
    page.wait_for_function("() => document.querySelectorAll('canvas[data-chart-for]').length === 2 && "
                           "[...document.querySelectorAll('canvas[data-chart-for]')].every(c => Chart.getChart(c))")
    assert page.locator("#score-grid tbody tr").count() == 50             # the first page of 60
    shoot(page, "overview")
    page.click("#score-grid thead a:text('Score')")                       # sort by score, highest first
    finals = [float(td.get_attribute("data-final")) for td in page.locator("#score-grid td.total").all()]
    assert finals == sorted(finals, reverse=True) and finals

    page.goto(f"{base}/staff/assignments/{seeded.assignment_id}/mistakes")
    first = page.locator("#top-mistakes tbody tr").first
    assert first.get_attribute("data-mistake") == top[0].mistake
    assert int(first.locator("td[data-count]").inner_text()) == top[0].students
    worst = max(rates, key=lambda r: r.share)
    cell = page.locator(f'#heatmap td[data-function="{worst.function}"][data-check="{worst.check}"]')
    assert cell.get_attribute("data-failing") == str(worst.failing)
    shoot(page, "mistakes")
    first.locator("a.mistake-link").click()
    page.wait_for_url(re.compile(rf".*/mistakes/{top[0].mistake}.*"))
    assert page.locator("#affected-count").inner_text() == str(top[0].students)
    assert page.locator("#affected tbody tr").count() == top[0].students
    shoot(page, "mistake")
    page.locator("#affected tbody a").first.click()
    page.wait_for_url(re.compile(r".*/submissions/\d+$"))
    shoot(page, "submission")
    assert errors == []
