"""End to end in a real browser (Debian's Chromium, headless, driven by Playwright): a student
logs in, uploads a file, watches it get graded without reloading, and reads the hint."""
from __future__ import annotations

import gc
import shutil
import time
import warnings
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.server.helpers import PASSWORD

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "buggy"
SHOTS = Path("/tmp/grader-screenshots")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


@pytest.mark.browser
def test_a_student_uploads_watches_it_grade_and_reads_the_hint(live_site, tmp_path):
    site = live_site.url
    submission = tmp_path / "gates.py"
    shutil.copy(CORPUS / "gates_add_no_unbroadcast.py", submission)
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            for scheme in ("light", "dark"):
                page = browser.new_page(color_scheme=scheme, viewport={"width": 1200, "height": 900})
                errors: list[str] = []
                page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
                page.goto(f"{site}/")
                expect(page).to_have_url(f"{site}/login?next=%2F")
                page.fill("input[name=email]", "ana@uni.test")
                page.fill("input[name=password]", PASSWORD)
                page.click("button:has-text('Log in')")
                expect(page.get_by_role("heading", name="My courses")).to_be_visible()
                page.screenshot(path=str(SHOTS / f"student-home-{scheme}.png"), full_page=True)
                page.click("text=Gates: forward and backward")
                page.set_input_files("input[type=file]", str(submission))
                page.screenshot(path=str(SHOTS / f"student-assignment-{scheme}.png"), full_page=True)
                live_site.worker_running.clear()          # a busy queue: the submission waits
                page.click("button:has-text('Submit for grading')")
                expect(page.locator("#status")).to_contain_text("Queued")
                expect(page.locator("#status")).to_contain_text("position 1")
                page.screenshot(path=str(SHOTS / f"student-queued-{scheme}.png"), full_page=True)
                live_site.worker_running.set()
                started = time.monotonic()
                # No reload by the test: the page's own script notices the grade and shows it.
                expect(page.locator(".big-score")).to_be_visible(timeout=60_000)
                assert time.monotonic() - started < 60
                hint = page.locator(".report .hint").first
                expect(hint).to_contain_text("sum")
                expect(page.locator(".report")).to_contain_text("add_backward")
                page.screenshot(path=str(SHOTS / f"student-graded-{scheme}.png"), full_page=True)
                assert not [e for e in errors if "Content Security Policy" in e], errors
                page.click("text=Log out")
                expect(page).to_have_url(f"{site}/login")
                page.close()
        finally:
            browser.close()
    # Playwright's sync API leaves its event loop's self-pipe socket for the garbage collector;
    # collect it here rather than let its ResourceWarning land in whichever test runs next.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
