"""An LTI launch in a real browser (Debian's Chromium, headless, driven by Playwright): the tool in
an iframe of an LMS page from another site (the simulated LMS at http://localhost:P1 frames the
grader at http://127.0.0.1:P2), and the same launch when the browser refuses the frame's cookies."""
from __future__ import annotations

import threading
import uuid

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from server import create_app
from server.extensions import db
from server.lti.keys import jwks
from server.lti.registry import PlatformFields, add_platform
from server.models import Course
from server.models.lti import LtiContext
from tests.server.helpers import make_assignment
from tests.server.lti_platform import RunningPlatform, SimulatedPlatform, new_member
from tests.server.test_browser import CHROMIUM_ARGS


@pytest.fixture
def lti_site(tmp_path):
    """The grader on a loopback port with the simulated LMS registered and its course linked."""
    app = create_app({"TESTING": False, "DATABASE_URL": f"sqlite:///{tmp_path / 'grader.db'}",
                      "SECRET_KEY": "browser-test", "GRADING_SECRET": "browser-test", "RATELIMIT_ENABLED": False,
                      "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False},
                     instance_path=str(tmp_path / "instance"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tool = f"http://127.0.0.1:{server.server_port}"
    platform = SimulatedPlatform()
    running = RunningPlatform(platform, host_name="localhost")      # another site than 127.0.0.1
    platform.tool_launch_url, platform.tool_login_url = f"{tool}/lti/launch", f"{tool}/lti/login"
    platform.tool_jwks = lambda: jwks(app.instance_path)
    with app.app_context():
        db.create_all()
        registered = add_platform(db.session, PlatformFields(**platform.registration()))
        course = Course(code="bp101", title="Backprop 101")
        db.session.add(course)
        db.session.flush()
        db.session.add(LtiContext(platform_id=registered.id, context_id=platform.context_id, course_id=course.id))
        assignment = make_assignment(course, slug="gates", title="Gates: forward and backward", points=20.0)
        db.session.commit()
        assignment_id = assignment.id
    yield platform, tool, assignment_id
    running.stop()
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


def lms_page(platform: SimulatedPlatform, assignment_id: int) -> str:
    hint = uuid.uuid4().hex
    student = new_member("student", "Sam Browser")
    platform.expect_login(hint, platform.claims_for(student, custom={"assignment_id": str(assignment_id)}))
    return f"{platform.url}/course/{hint}"


@pytest.mark.browser
def test_a_student_launches_the_grader_inside_the_lms_iframe(lti_site):
    platform, tool, assignment_id = lti_site
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(lms_page(platform, assignment_id))
            expect(page.get_by_role("heading", name="LMS course page")).to_be_visible()
            frame = page.frame_locator("#tool")
            expect(frame.get_by_role("heading", name="Gates: forward and backward")).to_be_visible(timeout=15000)
            (tool_frame,) = [f for f in page.frames if f.url.startswith(tool)]
            assert tool_frame.url == f"{tool}/assignments/{assignment_id}"
            assert page.url.startswith(platform.url)            # the LMS page stayed where it was
        finally:
            browser.close()


@pytest.mark.browser
def test_when_the_browser_refuses_the_frames_cookies_the_new_window_still_works(lti_site):
    platform, tool, assignment_id = lti_site
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            page = context.new_page()

            def refuse_cookies(route):
                """As a browser that blocks third-party cookies: the launch's cookie never arrives."""
                response = route.fetch()
                headers = {k: v for k, v in response.headers.items() if k.lower() != "set-cookie"}
                route.fulfill(response=response, headers=headers)
            page.route(f"{tool}/lti/launch", refuse_cookies)
            page.goto(lms_page(platform, assignment_id))
            frame = page.frame_locator("#tool")
            expect(frame.get_by_text("does not keep this site's cookies")).to_be_visible(timeout=15000)
            with context.expect_page() as opened:
                frame.get_by_role("link", name="Open in a new window").click()
            window = opened.value
            expect(window.get_by_role("heading", name="Gates: forward and backward")).to_be_visible(timeout=15000)
            assert window.url == f"{tool}/assignments/{assignment_id}"
        finally:
            browser.close()
