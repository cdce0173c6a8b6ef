"""The grader on a corpus of realistic student submissions (tests/corpus/).

correct/*.py are whole, correct submissions in different styles (loops, einsum, dict caches,
read-only views, numpy scalars, the naive CS231n sigmoid, ...): each must get full marks.

buggy/*.py are correct submissions with one realistic bug each (plus the stubs as handed out);
tests/corpus/manifest.json says, per file, which functions the grader must flag, which must stay
fully passing (one bug, one penalty), which cannot be run at all (a backward whose forward gives
no cache: skipped, never failed), a substring a student should find in the feedback, and the
mistake id a failing check must carry (what the dashboard counts).
"""
from __future__ import annotations

import json
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pytest

from grader.diagnosis.mistake_ids import catalogue as mistake_catalogue
from grader.exercises import catalogue
from grader.engine import grade

MISTAKES = mistake_catalogue(catalogue(Path(__file__).resolve().parents[2]).exercises())

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text())["buggy"]
CORRECT = sorted((CORPUS / "correct").glob("*.py"))
BUGGY = sorted((CORPUS / "buggy").glob("*.py"))


@cache
def graded(path: Path, assignment: str):
    """The report for `path`, graded under the name a student would submit it as (gates.py or
    layers.py), so the corpus file's descriptive name cannot leak into tracebacks and match a hint."""
    with tempfile.TemporaryDirectory() as folder:
        submission = Path(folder) / f"{assignment}.py"
        shutil.copyfile(path, submission)
        return grade(submission, assignment=assignment)


def _assignment_of(path: Path) -> str:
    return path.name.split("_")[0]


def _describe(tests) -> str:
    return "\n".join(f"  {t.function} / {t.check} / {t.visibility}: {t.status}: {t.output!r} hint={t.hint!r}"
                     for t in tests)


def test_every_corpus_file_is_described():
    assert {p.name for p in BUGGY} == set(MANIFEST)
    assert {_assignment_of(p) for p in CORRECT} == {"gates", "layers"}


@pytest.mark.parametrize("path", CORRECT, ids=lambda p: p.name)
def test_correct_submission_gets_full_marks(path):
    report = graded(path, _assignment_of(path))
    not_passed = [t for t in report.tests if t.status != "passed" or t.score != t.max_score]
    assert report.tests
    assert report.score == report.max_score, f"{report.score}/{report.max_score}\n" + _describe(not_passed)
    assert not not_passed, _describe(not_passed)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_buggy_submission(name):
    expected = MANIFEST[name]
    report = graded(CORPUS / "buggy" / name, expected["assignment"])
    by_function: dict[str, list] = {}
    for t in report.tests:
        by_function.setdefault(t.function, []).append(t)
    problems = []

    for function in expected["flagged"]:
        tests = by_function.get(function, [])
        failing = [t for t in tests if t.status != "passed"]
        if not failing:
            problems.append(f"{function} has a bug but every check passed")
            continue
        hint = expected["hint"].lower()
        if not any(hint in f"{t.output}\n{t.hint or ''}".lower() for t in failing):
            problems.append(f"{function}: no failing check mentions {expected['hint']!r}:\n" + _describe(failing))

    for function in expected["passing"]:
        tests = by_function.get(function, [])
        wrong = [t for t in tests if t.status != "passed" or t.score != t.max_score]
        if not tests:
            problems.append(f"{function} was not graded")
        elif wrong:
            problems.append(f"{function} is right (one bug, one penalty) but lost points:\n" + _describe(wrong))

    for function in expected.get("blocked", []):
        tests = by_function.get(function, [])
        blamed = [t for t in tests if t.status not in ("passed", "skipped")]
        if not tests:
            problems.append(f"{function} was not graded")
        elif blamed:
            problems.append(f"{function} cannot run without its forward's cache, so its checks should be "
                            "skipped, not failed:\n" + _describe(blamed))

    flagged_mistakes = {t.mistake for t in report.tests if t.function in expected["flagged"] and t.status != "passed"}
    if expected["mistake"] not in flagged_mistakes:
        problems.append(f"no failing check names the mistake {expected['mistake']!r}; found {sorted(map(str, flagged_mistakes))}")
    unknown = {t.mistake for t in report.tests if t.mistake is not None} - set(MISTAKES)
    if unknown:
        problems.append(f"mistake ids missing from the catalogue: {sorted(unknown)}")

    if "score" in expected and report.score != expected["score"]:
        problems.append(f"score {report.score}, expected {expected['score']}")

    assert not problems, f"{name} ({expected['bug']}):\n" + "\n".join(problems)
