"""The dashboard in a real headless Chromium, as a TA, against a live server on a SQLite file:
every page loads with its charts drawn, the numbers shown are the database's, a mistake and a heat
map's gradient click through to their students, and screenshots (light and dark) land in
/tmp/dashboard-shots."""
from __future__ import annotations

import re
import socket
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from server import create_app
from sqlalchemy import func, select

from server.dashboard import gradients, mistakes, overview, progress
from server.dashboard import regrade as regrade_module
from server.extensions import db
from server.models import Assignment, RegradeItem, Result, Submission
from server.queue.grading import Graded
from tests.server.conftest import config_for
from tests.server.dashboard_class import seed_class
from tests.server.helpers import PASSWORD, drain

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
        gradient_heat = gradients.gradient_heatmap(db.session, assignment, rates)

    page.goto(f"{base}/staff/courses/{seeded.course_id}")
    page.click(f'a[href="/staff/assignments/{seeded.assignment_id}/dashboard"]')
    page.wait_for_url(re.compile(r".*/dashboard$"))
    assert stat(page, "enrolled") == str(counts.enrolled)
    assert stat(page, "not-submitted") == str(counts.not_submitted)
    assert stat(page, "late-submissions") == str(counts.late_submissions)
    shown = [int(cell.get_attribute("data-value")) for cell in page.locator("#distribution td").all()]
    assert shown == [b.count for b in bins]
    page.wait_for_function("() => document.querySelectorAll('canvas[data-chart-for]').length === 2 && "
                           "[...document.querySelectorAll('canvas[data-chart-for]')].every(c => Chart.getChart(c))")
    assert page.locator("#score-grid tbody tr").count() == 50             # the first page of 60
    shoot(page, "overview")
    toggle = page.locator(".theme-toggle")
    toggle.click()
    toggle.click()                                                        # system -> light -> dark
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(15, 18, 23)"
    assert toggle.inner_text() == "Theme: dark"
    toggle.click()                                                        # back to the system's
    assert page.evaluate("document.documentElement.dataset.theme") is None
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
    assert page.locator("#gradient-heatmap td[data-gradient]").count() == len(gradient_heat.cells) == 4
    worst_gradient = max(gradient_heat.cells.values(), key=lambda r: r.share)
    cell = page.locator(f'#gradient-heatmap td[data-function="{worst_gradient.function}"]'
                        f'[data-gradient="{worst_gradient.gradient}"]')
    assert cell.get_attribute("data-wrong") == str(worst_gradient.wrong) and worst_gradient.wrong > 1
    assert cell.inner_text().strip() == f"{int(100 * worst_gradient.share + 0.5)}%"     # rounded as Jinja does
    shoot(page, "mistakes")
    cell.locator("a").click()
    page.wait_for_url(re.compile(rf".*/gradients/{worst_gradient.function}/{worst_gradient.gradient}$"))
    assert page.locator("#affected-count").inner_text() == str(worst_gradient.wrong)
    assert page.locator("#affected tbody tr").count() == worst_gradient.wrong
    shoot(page, "gradient")
    page.go_back()
    first.locator("a.mistake-link").click()
    page.wait_for_url(re.compile(rf".*/mistakes/{top[0].mistake}.*"))
    assert page.locator("#affected-count").inner_text() == str(top[0].students)
    assert page.locator("#affected tbody tr").count() == top[0].students
    shoot(page, "mistake")
    page.locator("#affected tbody a").first.click()
    page.wait_for_url(re.compile(r".*/submissions/\d+$"))
    assert page.locator("#attempts tbody tr").count() >= 1 and page.locator(".source .highlight").count() >= 1
    shoot(page, "submission")
    page.click("#hidden-inputs-link")
    page.wait_for_url(re.compile(r".*/submissions/\d+/hidden-inputs$"))
    assert page.locator("section[data-exercise]").count() == 2          # add and mul
    assert page.locator("details.hidden-case").count() > 4 and page.locator("pre.array").count() > 4
    shoot(page, "hidden-inputs")

    with app.app_context():
        steps = progress.check_progress(db.session, db.session.get(Assignment, seeded.assignment_id))
    page.goto(f"{base}/staff/assignments/{seeded.assignment_id}/progress")
    assert page.locator("#flaky li").count() == sum(1 for r in steps if r.flaky) > 0
    first_step = steps[0]
    cell = page.locator(f'#fail-by-attempt tr[data-function="{first_step.function}"][data-check="{first_step.check}"] '
                        'td[data-attempt="1"]')
    assert cell.get_attribute("data-failing") == str(first_step.failing[0])
    assert cell.get_attribute("data-students") == str(first_step.tried[0])
    shoot(page, "progress")
    page.goto(f"{base}/staff/assignments/{seeded.assignment_id}/export")
    shoot(page, "export")
    assert errors == []


def fake_upgraded_grader(submission, **_options):
    """A regrade without the sandbox: the old rows again, one point more on odd submission ids."""
    old = submission.result
    result = Result(raw_score=old.raw_score, raw_max=old.raw_max, seed=old.seed, report_json=old.report_json,
                    score=old.score + (1.0 if submission.id % 2 else 0.0), max_score=old.max_score)
    tests = [dict(assignment_id=t.assignment_id, position=t.position, function=t.function, check=t.check,
                  visibility=t.visibility, status=t.status, score=t.score, max_score=t.max_score,
                  mistake=t.mistake) for t in old.tests]
    return Graded(result, tests)


def test_an_instructor_previews_a_regrade(live, browser, monkeypatch):
    base, app, seeded = live
    monkeypatch.setattr(regrade_module, "grade_submission", fake_upgraded_grader)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/login")
    page.fill("#email", seeded.instructor_email)
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(re.compile(r".*/$"))
    page.goto(f"{base}/staff/assignments/{seeded.assignment_id}/regrade")
    page.click("#start-regrade")
    page.wait_for_selector("#regrade-progress")
    assert page.locator('#regrade-progress [data-state="graded"]').inner_text() == "0"
    ran = drain(app, limit=1000)                     # the worker's part, in this thread
    # Each student's latest graded submission and their grade of record (often the same one).
    regraded = {a.submission_id for s in seeded.students if s.latest for a in (s.latest, s.record)}
    assert ran == len(regraded)
    page.reload()
    up = sum(1 for submission_id in regraded if submission_id % 2)
    assert page.locator("#regrade-up").inner_text() == str(up)
    assert page.locator("#regrade-unchanged").inner_text() == str(ran - up)
    assert page.locator('#regrade-preview tr[data-direction="up"]').count() == up
    shoot(page, "regrade")
    page.click("#publish-regrade")
    page.wait_for_selector(".flash.success")
    with app.app_context():
        published = db.session.scalar(select(func.count()).select_from(Submission).join(
            RegradeItem, RegradeItem.new_result_id == Submission.result_id))
    assert published == ran


@pytest.mark.browser
def test_the_assignment_form_lists_only_the_chosen_sets_functions(live, browser):
    base, app, seeded = live
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/login")
    page.fill("#email", seeded.instructor_email)
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(re.compile(r".*/$"))
    page.goto(f"{base}/staff/courses/{seeded.course_id}/assignments/new")
    shown = 'Array.from(document.querySelectorAll("#functions option")).filter(o => !o.hidden).map(o => o.textContent)'
    for exercise in ("layers", "gates"):
        page.select_option("#exercise", exercise)
        labels = page.evaluate(shown)
        assert labels and all(label.startswith(f"{exercise}: ") for label in labels), labels
    page.close()
