"""The CS231n assignments (layers2, rnn_layers, svm) on a corpus written after reading public students'
files (docs/cs231n-real-files.md): every correct style gets full marks, every bug pattern is caught,
named by its mistake id, and costs only its own function (one bug, one penalty).

correct/*.py are whole submissions in the styles real files use (loops, im2col through stride
tricks and einsum, dict caches, caches read by index, copies before in-place adds); buggy/*.py hold
the functions of one exercise with one real bug each, described in manifest.json.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from grader.engine import grade

CORPUS = Path(__file__).resolve().parents[1] / "corpus_cs231n"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text())["buggy"]
CORRECT = sorted((CORPUS / "correct").glob("*.py"))
SEED = 16


def _graded(path: Path, tmp_path: Path, assignment: str | None = None):
    """The report of `path`, submitted as layers.py (as a student's file is named)."""
    submission = tmp_path / "layers.py"
    shutil.copyfile(path, submission)
    return grade(submission, assignment=assignment, seed=SEED)


def _describe(tests) -> str:
    return "\n".join(f"  {t.function} / {t.check} / {t.visibility}: {t.status} {t.mistake} {t.output[:200]!r}"
                     for t in tests)


def test_every_corpus_file_is_described():
    assert {p.name for p in (CORPUS / "buggy").glob("*.py")} == set(MANIFEST)
    assert {p.name.rsplit("_", 1)[0] for p in CORRECT} == {"layers2", "rnn_layers"}


@pytest.mark.parametrize("path, assignment", [(p, p.name.rsplit("_", 1)[0]) for p in CORRECT]
                         + [(p, "svm") for p in CORRECT if p.name.startswith("layers2")],
                         ids=lambda value: getattr(value, "name", value))
def test_correct_styles_get_full_marks(path, assignment, tmp_path):
    report = _graded(path, tmp_path, assignment)
    not_passed = [t for t in report.tests if t.status != "passed"]
    assert report.tests and report.score == report.max_score, _describe(not_passed)


def test_dropout_is_judged_by_behaviour_not_by_random_stream(tmp_path):
    """A mask from np.random.binomial is not the reference's np.random.rand draw, and is right; the
    backward is then held to that very mask (the numerical gradient of the student's forward)."""
    right = _graded(CORPUS / "dropout" / "binomial_mask.py", tmp_path)
    assert right.tests and right.score == right.max_score, _describe(right.tests)
    fresh = _graded(CORPUS / "dropout" / "backward_new_mask.py", tmp_path)
    status = {(t.function, t.check, t.visibility): t.status for t in fresh.tests}
    assert status[("dropout_forward", "forward", "visible")] == "passed"
    assert status[("dropout_backward", "gradient", "visible")] == "failed"


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_a_real_bug_is_caught_and_named(name, tmp_path):
    expected = MANIFEST[name]
    report = _graded(CORPUS / "buggy" / name, tmp_path)
    failing = [t for t in report.tests if t.function == expected["flagged"] and t.status != "passed"]
    assert failing, f"{expected['flagged']} has a bug but every check passed:\n" + _describe(report.tests)
    assert expected["mistake"] in {t.mistake for t in failing}, _describe(failing)
    collateral = [t for t in report.tests if t.function in expected["passing"] and t.status != "passed"]
    assert not collateral, "one bug, one penalty:\n" + _describe(collateral)
