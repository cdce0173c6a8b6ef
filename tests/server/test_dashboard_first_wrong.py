"""The dashboard for a staged graph: where the class first goes wrong, one bar per node, clicking
through to the students. A small class submits real Backprop-Ninja files, graded by the queue."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from server.dashboard import first_wrong
from server.extensions import db
from server.models import Assignment, Course, Role, User
from server.submitting import submit
from server.uploads import Upload
from tests.server.helpers import drain, make_assignment, make_user

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus" / "staged" / "ninja"
CLASS = {   # student -> the file they submit last
    "ana": "correct/ninja_loops.py",
    "bo": "correct/ninja_kwargs.py",
    "cy": "buggy/ninja_missing_bndiff2_branch.py",
    "di": "buggy/ninja_missing_bndiff2_branch.py",
    "ed": "buggy/ninja_bessel_dbndiff2.py",
    "fay": "buggy/ninja_sign_dbnmeani.py",
}


@pytest.fixture
def graded_class(app):
    with app.app_context():
        course = Course(code="bp101", title="Backprop 101", timezone="UTC")
        db.session.add(course)
        db.session.flush()
        make_user("prof@uni.test", Role.INSTRUCTOR, course, name="Prof")
        assignment = make_assignment(course, slug="ninja", exercise="ninja", points=26.0)
        for name in CLASS:
            make_user(f"{name}@uni.test", Role.STUDENT, course, name=name.title())
        db.session.commit()
        assignment_id = assignment.id
        for name, file in CLASS.items():
            student = db.session.scalar(select(User).where(User.email == f"{name}@uni.test"))
            submit(db.session, app.extensions["grading_queue"], student, db.session.get(Assignment, assignment_id),
                   Upload("ninja.py", (CORPUS / file).read_bytes()))
    assert drain(app) == len(CLASS)
    return assignment_id


def test_each_node_counts_the_students_who_first_go_wrong_there(app, graded_class):
    with app.app_context():
        nodes = first_wrong.first_wrong_nodes(db.session, db.session.get(Assignment, graded_class))
    assert [n.function for n in nodes][:3] == ["dlogprobs", "dprobs", "dcounts_sum_inv"] and len(nodes) == 26
    counted = {n.function: n for n in nodes if n.students}
    assert {f: n.students for f, n in counted.items()} == {"dbndiff": 2, "dbndiff2": 1, "dbnmeani": 1}
    assert all(n.graded == 6 for n in nodes)
    assert counted["dbndiff"].share == pytest.approx(2 / 6)
    assert (counted["dbndiff"].mistake, counted["dbndiff"].mistake_students) == ("staged_missing_branch", 2)
    assert "bndiff2" in counted["dbndiff"].says
    assert counted["dbndiff2"].mistake == "staged_bessel" and counted["dbnmeani"].mistake == "staged_sign"


def test_the_page_shows_the_bars_and_a_node_links_to_its_students(app, graded_class, client, auth):
    auth.login("prof@uni.test")
    page = client.get(f"/staff/assignments/{graded_class}/mistakes").get_data(as_text=True)
    assert 'id="first-wrong"' in page and 'data-node="dbndiff" data-students="2"' in page
    assert "33.3% (2 of 6)" in page and "staged_missing_branch" in page
    # the table says the same number as the chart's own cell for that bar
    assert '<th scope="row">dbndiff</th><td data-value="0.3333333333333333">33.3%</td>' in page
    # a graph's nodes have no gradient checks: said so, not "Nothing graded yet" beside graded rows
    assert 'id="no-gradient-checks"' in page and "Nothing graded yet" not in page
    students = client.get(f"/staff/assignments/{graded_class}/first-wrong/dbndiff").get_data(as_text=True)
    assert "Cy" in students and "Di" in students and "Ed" not in students and "Ana" not in students
    assert client.get(f"/staff/assignments/{graded_class}/first-wrong/not_a_node").status_code == 404


def test_students_see_none_of_it(app, graded_class, client, auth):
    auth.login("cy@uni.test")
    assert client.get(f"/staff/assignments/{graded_class}/first-wrong/dbndiff").status_code == 404


@pytest.mark.parametrize("page", ["dashboard", "progress", "export", "regrade"])
def test_the_other_dashboard_pages_take_a_staged_graph(app, graded_class, client, auth, page):
    auth.login("prof@uni.test")
    answer = client.get(f"/staff/assignments/{graded_class}/{page}")
    assert answer.status_code == 200
    if page in ("dashboard", "progress"):        # a column or row per node
        assert "dbndiff" in answer.get_data(as_text=True)


def test_an_assignment_of_some_nodes_draws_only_those(app, client, auth):
    import json
    from server.models import Result, Submission
    with app.app_context():
        course = Course(code="bp102", title="Backprop 102", timezone="UTC")
        db.session.add(course)
        db.session.flush()
        student = make_user("gus@uni.test", Role.STUDENT, course, name="Gus")
        assignment = make_assignment(course, slug="ninja", exercise="ninja", points=2.0,
                                     functions=["dlogprobs", "dprobs"])
        db.session.commit()
        sid = submit(db.session, app.extensions["grading_queue"], student, assignment,
                     Upload("ninja.py", (CORPUS / CLASS["cy"]).read_bytes())).id    # first wrong: dbndiff
    assert drain(app) == 1
    with app.app_context():
        result = db.session.get(Result, db.session.get(Submission, sid).result_id)
        assert result.score == 2.0
        graphs = json.loads(result.report_json)["graphs"]
        assert [n["name"] for n in graphs[0]["nodes"]] == ["loss", "logprobs", "probs"]
    auth.login("gus@uni.test")
    page = client.get(f"/submissions/{sid}").get_data(as_text=True)
    assert "dbndiff" not in page and "FIRST WRONG" not in page and "every step is right" in page
