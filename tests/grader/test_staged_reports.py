"""A staged graph in what people read: the report's graph data (Report.graphs) survives JSON, the
text and HTML reports draw it with the first wrong node marked, a notebook checks it node by node,
and a student's release grades it without reference/."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from grader import notebook
from grader.course import Course
from grader.engine import grade
from grader.release import build_release
from grader.report.html import to_html
from grader.report.text import to_text
from grader.results import Report, Status, Visibility

ROOT = Path(__file__).resolve().parents[2]
BUGGY = ROOT / "tests" / "corpus" / "staged" / "ninja" / "buggy" / "ninja_missing_bndiff2_branch.py"
REFERENCE = ROOT / "reference" / "ninja" / "ninja.py"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Report:
    path = tmp_path_factory.mktemp("ninja") / "ninja.py"
    shutil.copyfile(BUGGY, path)
    return grade(path, assignment="ninja", course=ROOT, seed=4)


def test_the_graph_survives_the_stored_json(report):
    assert [g["visibility"] for g in report.graphs] == ["visible", "hidden"]
    back = Report.from_dict(json.loads(json.dumps(report.to_dict())))
    assert back.graphs == report.graphs
    nodes = {n["name"]: n for n in back.graphs[0]["nodes"]}
    assert nodes["loss"]["status"] == "given" and nodes["bndiff"]["status"] == "first_wrong"
    assert nodes["hprebn"]["status"] == "credited" and nodes["bnmeani"]["status"] == "right"
    assert nodes["bndiff"]["reads"] == ["hprebn", "bnmeani"] and nodes["bndiff"]["shape"] == [32, 64]
    assert "missing the contribution that flows back through bndiff2" in nodes["bndiff"]["says"]


def test_the_text_report_draws_the_graph_once_when_hidden_fared_the_same(report):
    text = to_text(report)
    assert text.count("Graph: ") == 1 and "(public, and the same on the hidden inputs)" in text
    line = next(line for line in text.splitlines() if line.strip().startswith("✗ dbndiff "))
    assert "FIRST WRONG" in line and "used twice" in line
    assert next(l for l in text.splitlines() if l.strip().startswith("✓ dhprebn ")).count("credited") == 1


def test_the_html_report_marks_the_first_wrong_row_and_escapes(report):
    html = to_html(report)
    assert html.count('class="staged-graph"') == 1
    assert 'data-node="bndiff" data-status="first_wrong"' in html
    assert 'data-node="dC" ' not in html and 'data-node="C" data-status="credited"' in html
    hostile = Report.from_dict({**report.to_dict(), "graphs": [{**report.graphs[0], "title": "<script>x</script>"}]})
    assert "<script>x" not in to_html(hostile)


def test_a_notebook_checks_the_nodes_run_so_far(capsys):
    functions = REFERENCE.read_text().split("\n\n\n")
    cells = [functions[0]] + functions[1:3] + ["from grader import notebook\nnotebook.check('dprobs')"]
    report = notebook.check("dprobs", source=cells)
    assert [(t.function, t.status) for t in report.tests] == [("dlogprobs", Status.PASSED), ("dprobs", Status.PASSED)]
    graph, = report.graphs
    states = {n["name"]: n["status"] for n in graph["nodes"]}
    assert graph["first_wrong"] is None and states["probs"] == "right" and states["counts_sum_inv"] == "missing"
    assert "not written yet" in capsys.readouterr().out


def test_a_release_grades_the_graph_without_reference(tmp_path):
    release = tmp_path / "release"
    build_release("ninja", release, course=Course(ROOT))
    assert not (release / "reference").exists()
    right = grade(REFERENCE, course=release, in_process=True)
    assert right.score == right.max_score == 26 and {t.visibility for t in right.tests} == {Visibility.VISIBLE}
    wrong = grade(BUGGY, course=release, in_process=True)
    assert [t.function for t in wrong.tests if t.status is not Status.PASSED] == ["dbndiff"]
    # A mistake declared in the hidden half is named at home too, from its recorded public answer.
    tanh = grade(ROOT / "tests" / "corpus" / "staged" / "ninja" / "buggy" / "ninja_tanh_of_hpreact.py",
                 course=release, in_process=True)
    first = next(t for t in tanh.tests if t.status is not Status.PASSED)
    assert (first.function, first.mistake) == ("dhpreact", "ninja_tanh_of_preactivation")


def test_a_node_returning_an_object_fails_alone_and_nothing_of_it_crosses(tmp_path):
    # An ndarray subclass that lies about its values would run the student's code in the grader if
    # it crossed: it arrives as the name of its type, and the nodes after it get the true dprobs.
    hostile = REFERENCE.read_text().replace(
        "def dprobs(probs, dlogprobs):\n    return dlogprobs / probs",
        "class Liar(np.ndarray):\n    def __eq__(self, other):\n        return True\n\n\n"
        "def dprobs(probs, dlogprobs):\n    return (dlogprobs / probs).view(Liar)")
    path = tmp_path / "ninja.py"
    path.write_text(hostile)
    report = grade(path, assignment="ninja", course=ROOT, seed=2)
    failing = [(t.function, t.status, t.mistake) for t in report.tests if t.status is not Status.PASSED]
    assert failing == [("dprobs", Status.ERROR, "not_an_array")] * 2
    assert "a subclass of numpy.ndarray" in next(t.output for t in report.tests if t.function == "dprobs")


@pytest.mark.parametrize("statuses, verdict", [
    (["right", "credited"], "every step is right"),
    (["missing", "missing"], "no step written yet"),
    (["right", "missing", "error"], "no wrong step among those that ran (1 not written yet, 1 did not run)"),
    (["right", "first_wrong", "missing"], "the first node whose step is wrong is db"),
])
def test_the_heading_says_every_step_is_right_only_when_every_step_ran_and_is_right(statuses, verdict):
    from grader.report.graphs import heading
    nodes = [{"name": "loss", "gradient": "dloss", "status": "given"}] + [
        {"name": name, "gradient": f"d{name}", "status": status} for name, status in zip("abc", statuses)]
    graph = {"exercise": "g", "title": "G", "visibility": "visible", "nodes": nodes,
             "first_wrong": next((n["name"] for n in nodes if n["status"] == "first_wrong"), None)}
    assert heading(graph) == f"G (public): {verdict}"


def test_no_note_says_the_public_inputs_were_new_where_they_were_the_notebooks(report, tmp_path):
    from grader.engine import FRESH_PUBLIC_NOTE
    assert report.seed is not None and FRESH_PUBLIC_NOTE not in report.notes    # the graph's public inputs are fixed
    gates = tmp_path / "gates.py"
    shutil.copyfile(ROOT / "exercises" / "gates" / "gates.py", gates)
    assert FRESH_PUBLIC_NOTE in grade(gates, assignment="gates", course=ROOT, seed=4).notes


def test_an_assignment_of_some_nodes_shows_only_those_and_its_own_first_wrong(report):
    # the buggy file goes wrong first at dbndiff; an assignment that grades dlogprobs, dbnmeani and
    # dhprebn never mentions dbndiff, and its first wrong node is among its own
    from grader.report.graphs import restricted
    public = restricted(report.graphs, {"dlogprobs", "dbnmeani", "dhprebn"})[0]
    assert [n["name"] for n in public["nodes"]] == ["loss", "logprobs", "bnmeani", "hprebn"]
    assert public["first_wrong"] is None and "dbndiff" not in json.dumps(public)
    wrong = {**report.graphs[0], "nodes": [
        {**n, "status": "wrong"} if n["name"] == "hprebn" else n for n in report.graphs[0]["nodes"]]}
    again = restricted([wrong], {"dbnmeani", "dhprebn"})[0]
    assert again["first_wrong"] == "hprebn" and [n["status"] for n in again["nodes"]] == ["given", "right", "first_wrong"]
    assert report.graphs[0]["first_wrong"] == "bndiff"          # the report itself is left as it was
