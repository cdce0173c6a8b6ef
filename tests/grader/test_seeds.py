"""Hidden cases: fresh per seed, replayed exactly, and never unfair to correct code."""
from __future__ import annotations

from pathlib import Path

import pytest

from grader.cases.seeds import source_seed, submission_seed
from grader.engine import grade

CORRECT = sorted((Path(__file__).resolve().parents[1] / "corpus" / "correct").glob("*.py"))


@pytest.mark.parametrize("path", CORRECT, ids=lambda p: p.stem)
@pytest.mark.parametrize("seed", [1, 2**40 + 3])
def test_correct_code_gets_full_marks_whatever_the_seed(path, seed):
    report = grade(path, seed=seed)
    assert report.score == report.max_score, [(t.name, t.output) for t in report.tests if t.status != "passed"]


def test_a_seed_replays_the_same_hidden_cases(mutant):
    path = mutant("layers", "db = dout.sum(axis=0)", "db = dout.sum(axis=0) * 1.5")
    first, again = grade(path, seed=99).to_dict(), grade(path, seed=99).to_dict()
    assert first == again
    other = grade(path, seed=100).to_dict()
    hidden = [t["output"] for t in first["tests"] if t["visibility"] == "hidden" and t["status"] != "passed"]
    hidden_other = [t["output"] for t in other["tests"] if t["visibility"] == "hidden" and t["status"] != "passed"]
    assert hidden and hidden != hidden_other   # other shapes, other relative errors


def test_seeds_depend_on_the_submission_and_the_secret():
    assert source_seed(b"a") != source_seed(b"b")
    assert submission_seed("x", secret=b"one") != submission_seed("x", secret=b"two")
    assert submission_seed("x", secret=b"one") == submission_seed("x", secret=b"one")
