"""Staged graphs on a corpus of student submissions (tests/corpus/staged/<assignment>/).

correct/*.py are whole, correct submissions in different styles: each gets full marks, public and
hidden. buggy/*.py have one bug each; the assignment's manifest.json says which node is the first
whose local step is wrong, the mistake id it carries, the later nodes credited (their step is
right though their input was already wrong) and words the student reads at that node. Every other
node passes: one bug, one penalty.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pytest

from grader.engine import grade
from grader.results import Status, Visibility

ROOT = Path(__file__).resolve().parents[2]
STAGED = ROOT / "tests" / "corpus" / "staged"
ASSIGNMENTS = sorted(p.name for p in STAGED.iterdir() if p.is_dir())
CORRECT = [(a, p) for a in ASSIGNMENTS for p in sorted((STAGED / a / "correct").glob("*.py"))]
BUGGY = [(a, p) for a in ASSIGNMENTS for p in sorted((STAGED / a / "buggy").glob("*.py"))]


def manifest(assignment: str) -> dict:
    return json.loads((STAGED / assignment / "manifest.json").read_text())["buggy"]


@cache
def graded(path: Path, assignment: str):
    """Graded under the name a student would submit it as, sandboxed, public and hidden."""
    with tempfile.TemporaryDirectory() as folder:
        submission = Path(folder) / f"{assignment}.py"
        shutil.copyfile(path, submission)
        return grade(submission, assignment=assignment, course=ROOT, seed=11)


def test_the_corpus_covers_the_three_graphs_and_every_buggy_file_is_described():
    assert ASSIGNMENTS == ["ninja", "sigmoid_neuron", "staged_batchnorm"]
    for assignment in ASSIGNMENTS:
        assert {p.name for a, p in BUGGY if a == assignment} == set(manifest(assignment))


@pytest.mark.parametrize("assignment, path", CORRECT, ids=lambda x: getattr(x, "name", x))
def test_a_correct_submission_gets_every_node(assignment, path):
    report = graded(path, assignment)
    assert report.score == report.max_score > 0, [(t.name, t.output) for t in report.tests if not t.status is Status.PASSED]
    assert [g["first_wrong"] for g in report.graphs] == [None, None]


def _visible(report, hidden: bool):
    wanted = Visibility.HIDDEN if hidden else Visibility.VISIBLE
    return [t for t in report.tests if t.visibility is wanted], next(g for g in report.graphs if g["visibility"] == wanted)


@pytest.mark.parametrize("assignment, path", BUGGY, ids=lambda x: getattr(x, "name", x))
def test_a_single_bug_is_found_at_its_node_and_the_later_right_steps_are_credited(assignment, path):
    expected = manifest(assignment)[path.name]
    report = graded(path, assignment)
    tests, graph = _visible(report, hidden=expected.get("public_passes", False))
    failing = [t.function for t in tests if t.status is not Status.PASSED]
    assert failing == [expected["first_wrong"]], failing
    assert graph["first_wrong"] == expected["first_wrong"][1:]
    first = next(t for t in tests if t.function == expected["first_wrong"])
    assert first.mistake == expected["mistake"]
    assert expected["says"] in first.output
    assert first.output.startswith("the first node whose step is wrong")
    credited = [f"d{node['name']}" for node in graph["nodes"] if node["status"] == "credited"]
    assert credited == expected["credited"]
    for function in credited:
        test = next(t for t in tests if t.function == function)
        assert test.status is Status.PASSED and test.score == test.max_score and test.output.startswith("credited")
    if expected.get("public_passes"):
        assert all(t.status is Status.PASSED for t in _visible(report, hidden=False)[0])


@pytest.mark.parametrize("file, node, hint", [
    ("ninja_no_upstream_dhpreact.py", "dhpreact", "Multiply by dh"),       # elementwise: multiplying fixes it
    ("ninja_no_upstream_dh.py", "dh", "use it where your formula has ones"),   # a product: it would not
])
def test_a_hint_proposes_multiplying_only_where_that_fixes_the_answer(file, node, hint):
    report = graded(STAGED / "ninja" / "buggy" / file, "ninja")
    found = next(t for t in report.tests if t.function == node and t.visibility is Visibility.VISIBLE)
    assert found.mistake == "staged_no_upstream"
    assert hint in found.hint
    assert ("Multiply" in found.hint) == (node == "dhpreact")


def test_a_node_right_on_the_public_batch_only_is_told_to_read_its_sizes_from_its_parameters():
    report = graded(STAGED / "ninja" / "buggy" / "ninja_global_batch_size.py", "ninja")
    public, hidden = (next(t for t in report.tests if t.function == "dbndiff2" and t.visibility is v)
                      for v in (Visibility.VISIBLE, Visibility.HIDDEN))
    assert public.status is Status.PASSED and hidden.mistake == "staged_local_wrong"
    assert "right on the public batch but not on the hidden one" in hidden.hint and "(n = 32" in hidden.hint


def test_an_unexplained_wrong_step_still_says_how_to_work_it_out(tmp_path):
    source = (ROOT / "reference" / "ninja" / "ninja.py").read_text()
    wrong = source.replace("def dhpreact(", "def _right_dhpreact(") + (
        "\n\ndef dhpreact(h, dh):\n    return (1.0 - h) * dh\n")
    path = tmp_path / "ninja.py"
    path.write_text(wrong)
    found = next(t for t in grade(path, assignment="ninja", course=ROOT, seed=11, public_only=True).tests
                 if t.function == "dhpreact")
    assert found.mistake == "staged_local_wrong"
    assert found.hint.startswith("No known mistake explains it: work it out from h's step alone")


def test_a_karpathy_style_notebook_keeps_its_functions_and_is_told_to_write_the_others_as_functions(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook
    cells = ["import numpy as np\nn = 32",
             "dlogprobs = np.zeros((n, 27))\ndlogprobs[range(n), Yb] = -1.0 / n",     # Karpathy's cells
             "dprobs = (1.0 / probs) * dlogprobs",
             "def dcounts_sum_inv(counts, dprobs):\n    return (counts * dprobs).sum(1, keepdims=True)"]
    path = tmp_path / "ninja.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(c) for c in cells]), path)
    report = grade(path, assignment="ninja", course=ROOT, public_only=True)
    found = {t.function: t for t in report.tests}
    assert found["dcounts_sum_inv"].status is Status.PASSED        # the import did not fail on Karpathy's cells
    assert found["dprobs"].status is Status.MISSING and "def dprobs(...)" in found["dprobs"].hint
    assert "cell(s) 2, 3 were not run" in " ".join(report.notes)
