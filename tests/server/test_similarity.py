"""Similarity: a class where two students hand in the same code under other names and layout (and
a third the same code as notebook cells), others their own code, and two only the starter code.
The near-identical pairs are found high, the distinct ones are not listed, the starter code is not
evidence, students get 404, and a recompute replaces the old pairs. On SQLite and PostgreSQL."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from server import check_history
from server.dashboard import similarity_runs
from server.dashboard.similarity import Settings, find_similar, normalize
from server.dashboard.similarity_view import highlighted_lines, side
from server.extensions import db
from server.models import (Course, Result, Role, RunState, SimilarityDocument, SimilarityPair, SimilarityRun,
                           Submission, SubmissionStatus, User)
from tests.server.helpers import REFERENCE, drain, make_user

ROOT = REFERENCE.parent
STUB = (ROOT / "exercises" / "gates" / "gates.py").read_text()
ORIGINAL = (REFERENCE / "gates" / "gates.py").read_text()
LOOPS = (ROOT / "tests" / "corpus" / "correct" / "gates_loops_split_ties.py").read_text()
SCALARS = (ROOT / "tests" / "corpus" / "correct" / "gates_asarray_scalars.py").read_text()
STUB_TOO = (ROOT / "tests" / "corpus" / "buggy" / "gates_stub.py").read_text()


def disguised(source: str) -> str:
    """The same code with other names, other comments and another indent."""
    for old, new in (("dout", "upstream_grad"), ("cache", "saved"), ("out", "result"), ("axes", "dims")):
        source = re.sub(rf"\b{old}\b", new, source)
    source = re.sub(r"#.*", "# my own words here", source)
    source = re.sub(r"^( +)", lambda m: "  " * (len(m.group(1)) // 4), source, flags=re.M)
    return '"""Homework 3, my solution."""\n\n\n' + source.replace("\n\n\n", "\n\n")


def as_notebook(source: str) -> bytes:
    """The source as a notebook: a markdown cell, a magic, one code cell per function, an experiment."""
    chunks = [c for c in re.split(r"\n(?=def )", source) if c.strip()]
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "# My gates"},
             {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [],
              "source": "%matplotlib inline\nimport numpy as np"}]
    cells += [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": c}
              for c in chunks]
    cells.append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                  "source": "print(add_forward(np.ones(3), np.ones(3)))"})
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number}"
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(notebook).encode()


# who -> [(filename, content, graded?)] in attempt order
CLASS = {
    "ana": [("gates.py", LOOPS.encode(), True), ("gates.py", ORIGINAL.encode(), True)],   # the latest counts
    "bo": [("hw.py", disguised(ORIGINAL).encode(), True), ("hw.py", SCALARS.encode(), False)],  # queued: not yet
    "gil": [("gates.ipynb", as_notebook(ORIGINAL), True)],
    "cy": [("gates.py", LOOPS.encode(), True)],
    "dee": [("gates.py", SCALARS.encode(), True)],
    "eve": [("gates.py", STUB.encode(), True)],
    "fay": [("gates.py", STUB_TOO.encode(), True)],
}
SIMILAR = {frozenset(p) for p in (("ana", "bo"), ("ana", "gil"), ("bo", "gil"))}


def add_submission(assignment_id: int, user: User, filename: str, content: bytes, graded: bool = True) -> Submission:
    attempt = 1 + (db.session.scalar(select(func.max(Submission.attempt)).where(
        Submission.assignment_id == assignment_id, Submission.user_id == user.id)) or 0)
    submission = Submission(assignment_id=assignment_id, user_id=user.id, attempt=attempt, filename=filename,
                            content=content, sha256=hashlib.sha256(content).hexdigest(), size=len(content),
                            status=SubmissionStatus.GRADED if graded else SubmissionStatus.QUEUED)
    db.session.add(submission)
    db.session.flush()
    if graded:
        result = Result(submission_id=submission.id, raw_score=1, raw_max=1, score=10, max_score=10, report_json="{}")
        db.session.add(result)
        db.session.flush()
        submission.result_id = result.id
        db.session.flush()
        check_history.refresh(db.session, assignment_id, user.id)      # as the queue does when a grade lands
    return submission


@pytest.fixture
def klass(app, world) -> dict:
    """The world's course with CLASS's students and submissions; name -> email."""
    emails = {}
    with app.app_context():
        course = db.session.get(Course, world.course_id)
        for name, attempts in CLASS.items():
            email = {"ana": world.emails["student"], "bo": world.emails["other"]}.get(name, f"{name}@uni.test")
            user = db.session.scalar(select(User).where(User.email == email)) or make_user(email, Role.STUDENT, course)
            for filename, content, graded in attempts:
                add_submission(world.assignment_id, user, filename, content, graded)
            emails[name] = email
        db.session.commit()
    return emails


def recompute(client, auth, world, who: str = "ta"):
    auth.login(world.emails[who])
    response = client.post(f"/staff/assignments/{world.assignment_id}/similarity")
    auth.logout()
    return response


def found_pairs(app) -> dict[frozenset, SimilarityPair]:
    with app.app_context():
        rows = db.session.execute(
            select(SimilarityPair, User.email.label("a"), SimilarityDocument.user_id)
            .join(SimilarityDocument, SimilarityDocument.id == SimilarityPair.document_a_id)
            .join(User, User.id == SimilarityDocument.user_id)).all()
        out = {}
        for pair, email_a, _ in rows:
            email_b = db.session.scalar(select(User.email).join(SimilarityDocument, SimilarityDocument.user_id == User.id)
                                        .where(SimilarityDocument.id == pair.document_b_id))
            db.session.expunge(pair)
            out[frozenset((email_a.split("@")[0], email_b.split("@")[0]))] = pair
        return out


def names(pairs) -> set:
    aliases = {"ana": "ana", "bo": "bo"}
    return {frozenset(aliases.get(n, n) for n in pair) for pair in pairs}


def test_the_copies_are_found_and_nothing_else(app, client, auth, world, klass):
    assert recompute(client, auth, world).status_code == 303
    assert drain(app) == 1
    pairs = found_pairs(app)
    assert set(pairs) == SIMILAR           # distinct code and starter-code-only files are not listed
    assert pairs[frozenset(("ana", "bo"))].similarity >= 0.9
    assert min(p.similarity for p in pairs.values()) >= 0.9
    with app.app_context():
        run = db.session.scalar(select(SimilarityRun))
        assert run.state is RunState.DONE and run.computed_at is not None and run.open_for is None
        assert run.compared == len(CLASS) and run.pairs_found == 3
        compared = db.session.execute(select(User.email, Submission.attempt, Submission.filename)
                                      .join(SimilarityDocument, SimilarityDocument.submission_id == Submission.id)
                                      .join(User, User.id == Submission.user_id)).all()
        by_email = {email: (attempt, filename) for email, attempt, filename in compared}
        assert by_email[klass["ana"]] == (2, "gates.py")       # the latest graded attempt, not the first
        assert by_email[klass["bo"]] == (1, "hw.py")           # the queued attempt 2 is not graded yet
        notebook = db.session.scalar(select(SimilarityDocument).join(User, User.id == SimilarityDocument.user_id)
                                     .where(User.email == klass["gil"]))
        assert "%matplotlib" not in notebook.source and "def add_forward" in notebook.source
        assert "print(add_forward" not in notebook.source       # experiments are not graded, nor compared


def test_the_pages_show_the_pairs_to_staff_and_nothing_to_students(app, client, auth, world, klass):
    recompute(client, auth, world, who="instructor")
    drain(app)
    pair = found_pairs(app)[frozenset(("ana", "bo"))]
    auth.login(world.emails["ta"])
    listing = client.get(f"/staff/assignments/{world.assignment_id}/similarity")
    assert listing.status_code == 200
    assert listing.data.count(b"data-pair=") == 3 and b"Computed" in listing.data
    assert b"cheat" not in listing.data.lower() and b"plagiar" not in listing.data.lower()
    assert client.get(f"/staff/assignments/{world.assignment_id}/similarity?min=0.9").data.count(b"data-pair=") == 3
    detail = client.get(f"/staff/similarity/pairs/{pair.id}")
    assert detail.status_code == 200
    page = detail.data.decode()
    assert page.count('class="similar"') > 20 and "upstream_grad" in page and "dout" in page
    assert "cheat" not in page.lower()
    auth.logout()
    auth.login(world.emails["student"])        # ana is in the pair: still no page of it for her
    assert client.get(f"/staff/assignments/{world.assignment_id}/similarity").status_code == 404
    assert client.get(f"/staff/similarity/pairs/{pair.id}").status_code == 404
    assert client.post(f"/staff/assignments/{world.assignment_id}/similarity").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SimilarityRun)) == 1


def test_recompute_replaces_the_old_pairs(app, client, auth, world, klass):
    recompute(client, auth, world)
    drain(app)
    before = found_pairs(app)
    with app.app_context():
        fay = db.session.scalar(select(User).where(User.email == klass["fay"]))
        add_submission(world.assignment_id, fay, "gates.py", disguised(ORIGINAL).encode())
        db.session.commit()
    auth.login(world.emails["ta"])
    page = client.get(f"/staff/assignments/{world.assignment_id}/similarity").data
    assert b'id="similarity-newer">1 student had a newer submission' in page
    auth.logout()
    recompute(client, auth, world)
    drain(app)
    after = found_pairs(app)
    assert set(after) == SIMILAR | {frozenset(("fay", other)) for other in ("ana", "bo", "gil")}
    assert not {p.id for p in before.values()} & {p.id for p in after.values()}
    with app.app_context():
        runs = db.session.scalars(select(SimilarityRun)).all()
        assert len(runs) == 1 and runs[0].compared == len(CLASS)
        assert db.session.scalar(select(func.count(func.distinct(SimilarityPair.run_id)))) == 1
        assert db.session.scalar(select(func.count(func.distinct(SimilarityDocument.run_id)))) == 1


def test_pressing_twice_computes_once(app, client, auth, world, klass):
    recompute(client, auth, world)
    second = recompute(client, auth, world, who="instructor")
    assert second.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SimilarityRun)) == 1
        run_id = db.session.scalar(select(SimilarityRun.id))
    assert drain(app) == 2                     # the id was sent twice; the second finds it done
    with app.app_context():
        assert similarity_runs.process(db.session, run_id, lease_seconds=60) == "not claimable"
    assert set(found_pairs(app)) == SIMILAR


def test_a_failed_computation_says_so_and_can_be_retried(app, client, auth, world, klass, monkeypatch):
    def broken(*args, **kwargs):
        raise MemoryError("out of memory")
    monkeypatch.setattr(similarity_runs, "find_similar", broken)
    recompute(client, auth, world)
    drain(app)
    auth.login(world.emails["ta"])
    page = client.get(f"/staff/assignments/{world.assignment_id}/similarity").data
    assert b'id="similarity-failed"' in page and b"MemoryError: out of memory" in page
    auth.logout()
    monkeypatch.undo()
    recompute(client, auth, world)
    drain(app)
    assert set(found_pairs(app)) == SIMILAR
    with app.app_context():
        assert db.session.scalars(select(SimilarityRun.state)).all() == [RunState.DONE]


def test_a_run_whose_worker_died_is_taken_over_after_its_lease(app, world, klass):
    with app.app_context():
        from server.models import Assignment
        assignment = db.session.get(Assignment, world.assignment_id)
        actor = db.session.scalar(select(User).where(User.email == world.emails["ta"]))
        run, _ = similarity_runs.request(db.session, assignment, actor)
        assert similarity_runs.claim(db.session, run.id, lease_seconds=-1) is not None   # then the worker died
        assert similarity_runs.process(db.session, run.id, lease_seconds=60) == "done"


@pytest.fixture
def app_config(app_config, request):
    if "csrf" in request.node.name:
        return {**app_config, "WTF_CSRF_ENABLED": True}
    return app_config


def test_recompute_needs_the_csrf_token_of_its_page(app, world, klass):
    client = app.test_client()
    token = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')
    login = token.search(client.get("/login").data).group(1).decode()
    client.post("/login", data={"email": world.emails["ta"], "password": "correct horse battery", "csrf_token": login})
    url = f"/staff/assignments/{world.assignment_id}/similarity"
    refused = client.post(url)
    assert refused.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SimilarityRun)) == 0
    form = token.search(client.get(url).data).group(1).decode()
    assert client.post(url, data={"csrf_token": form}).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SimilarityRun)) == 1


# --- the engine and the side-by-side rendering, without the app ---------------------------------

def test_renamed_and_reformatted_code_is_alike_and_starter_code_is_not_evidence():
    outcome = find_similar([normalize(s) for s in (ORIGINAL, disguised(ORIGINAL), STUB, STUB_TOO, LOOPS)], [STUB])
    assert [(m.a, m.b) for m in outcome.matches] == [(0, 1)]
    assert outcome.matches[0].similarity_a >= 0.9 and outcome.matches[0].similarity_b >= 0.9
    unexcluded = find_similar([normalize(s) for s in (STUB, STUB_TOO)], [])
    assert [(m.a, m.b) for m in unexcluded.matches] == [(0, 1)]   # what the boilerplate set keeps out


def test_code_much_of_the_class_writes_is_not_evidence():
    """Twelve students write the same short function among their own code: with the class-wide
    fingerprints set aside, no pair is listed; with that off, every pair is."""
    own = [normalize(f"def helper_{i}(values):\n" + "".join(f"    v{j} = values[{j}] * {i + j} - {j}\n" for j in range(i % 5 + 3))
                     + ORIGINAL.split("def mul_forward")[0]) for i in range(12)]
    common_on = find_similar(own, [STUB], Settings(common_min=5, common_share=0.3))
    common_off = find_similar(own, [STUB], Settings(common_min=100))
    assert len(common_on.matches) < len(common_off.matches)
    assert common_on.common > 0


def test_side_marks_whole_lines_of_each_region_and_escapes():
    source = normalize("a = 1\nb = '<b>'\nc = 3\nd = 4\n")
    lines = side(source, [(source.index("b ="), source.index("c = 3") + 2)])
    assert [line.similar for line in lines] == [False, True, True, False]
    assert "&lt;b&gt;" in lines[1].html and "<b>" not in lines[1].html
    assert len(highlighted_lines(normalize('x = """two\nlines"""\ny = 1'))) == 3


# --- the migration ---------------------------------------------------------------------------

MINE = {"similarity_runs", "similarity_documents", "similarity_pairs"}


@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")
def test_migration_0005_builds_the_models_and_downgrade_removes_them(tmp_path, database_url):
    from flask_migrate import downgrade, upgrade

    from server import MIGRATIONS
    from tests.server.migrating import differences_about, empty_database
    with empty_database(tmp_path, database_url):
        upgrade(directory=str(MIGRATIONS), revision="0005")
        assert MINE <= set(inspect(db.engine).get_table_names())
        assert differences_about(MINE) == []
        downgrade(directory=str(MIGRATIONS), revision="0004")
        assert not MINE & set(inspect(db.engine).get_table_names())


# --- in a real browser -------------------------------------------------------------------------

SHOTS = Path("/tmp/grader-screenshots")


@pytest.fixture
def live_class(tmp_path):
    """(base url, app, world ids): the app on loopback with CSRF on and CLASS seeded (no worker:
    the test drains the queue itself, as the worker would)."""
    import threading

    from werkzeug.serving import make_server

    from server import create_app
    from server.models import Course
    from tests.server.conftest import config_for
    from tests.server.helpers import make_assignment
    app = create_app(config_for(tmp_path, f"sqlite:///{tmp_path / 'live.db'}", SERVER_NAME=None, WTF_CSRF_ENABLED=True),
                     instance_path=str(tmp_path / "instance"))
    full_names = {"ana": "Ana Lopez", "bo": "Bo Chen", "gil": "Gil Moreau", "cy": "Cy Okafor", "dee": "Dee Novak",
                  "eve": "Eve Tanaka", "fay": "Fay Ibrahim"}
    with app.app_context():
        db.create_all()
        course = Course(code="bp101", title="Backprop 101", timezone="Europe/Paris")
        db.session.add(course)
        db.session.flush()
        make_user("ta@uni.test", Role.TA, course, name="Tess Assistant")
        assignment = make_assignment(course, title="Gates: forward and backward")
        for name, attempts in CLASS.items():
            user = make_user(f"{name}@uni.test", Role.STUDENT, course, name=full_names[name])
            for filename, content, graded in attempts:
                add_submission(assignment.id, user, filename, content, graded)
        db.session.commit()
        assignment_id = assignment.id
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app, assignment_id
    server.shutdown()
    thread.join()
    with app.app_context():
        db.engine.dispose()


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.screenshot(path=str(SHOTS / f"similarity-{name}-{scheme}.png"), full_page=True)
    page.emulate_media(color_scheme="light")


@pytest.mark.browser
def test_a_ta_recomputes_and_reads_a_pair_side_by_side(live_class):
    from playwright.sync_api import sync_playwright

    from tests.server.helpers import PASSWORD
    base, app, assignment_id = live_class
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-background-networking"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
                    if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
            page.goto(f"{base}/login")
            page.fill("#email", "ta@uni.test")
            page.fill("#password", PASSWORD)
            page.click("button.primary")
            page.wait_for_url(re.compile(r".*/$"))
            page.goto(f"{base}/staff/assignments/{assignment_id}/dashboard")
            page.click("nav.tabs a:text('Similarity')")                 # linked from the dashboard's tabs
            page.wait_for_url(re.compile(r".*/similarity$"))
            assert page.locator("#similarity-never").count() == 1
            page.click("#recompute")
            page.wait_for_selector("#similarity-pending")
            assert drain(app) == 1                                     # the worker's part
            page.reload()
            assert page.locator("#similarity-pending").count() == 0
            assert page.locator("#compared").inner_text() == str(len(CLASS))
            rows = page.locator("#similar-pairs tbody tr")
            assert rows.count() == 3
            shown = {frozenset(name.split("@")[0] for name in rows.nth(i).get_attribute("data-users").split())
                     for i in range(3)}
            assert shown == SIMILAR
            shoot(page, "list")
            rows.first.locator("a:text('side by side')").click()
            page.wait_for_url(re.compile(r".*/similarity/pairs/\d+$"))
            assert page.locator(".source-side").count() == 2
            for side_id in ("#side-1", "#side-2"):
                assert page.locator(f"{side_id} tr.similar").count() > 20
            shoot(page, "pair")
            assert errors == []
        finally:
            browser.close()
