"""The grader's hints on code we did not write (issue 20): tests/corpus_real_style/.

buggy/*.py are single-bug files written in the styles of public students' CS231n and autograd code
(read, never copied), each with a bug we read in such code; the manifest names the mistake id its
hint must carry (a list: any of them) and the repository that inspired it. Only the exercises a
file defines are graded. correct/*.py are whole submissions in those styles: full marks at every
seed. bench/hint_share.py --corpus real_style prints the same figures as shares.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pytest

from grader.diagnosis.mistake_ids import catalogue as mistake_catalogue
from grader.diagnosis.mistake_ids import is_neutral
from grader.engine import grade
from grader.exercises import catalogue
from grader.submission import SubmissionError

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus_real_style"
# Written after the fixes made on the corpus above, measured once before any fix (bench/README.md).
HELD_OUT = ROOT / "tests" / "corpus_held_out"
MANIFEST = {folder / "buggy" / name: entry for folder in (CORPUS, HELD_OUT)
            for name, entry in json.loads((folder / "manifest.json").read_text())["buggy"].items()}
NAMED = sorted(path for path, entry in MANIFEST.items()
               if not entry.get("known_gap") and not entry.get("open") and not entry.get("misleading"))
# Caught, not named yet: the reason is the entry's "open" (bench/README.md lists them with their round).
OPEN = sorted(path for path, entry in MANIFEST.items() if entry.get("open"))
GAPS = sorted(path for path, entry in MANIFEST.items() if entry.get("known_gap"))
# Known to mislead (the entry says how, and the closing note of its round): the first failing check
# claims a cause the file does not have. Listed so that the corpus test holds every other file to the
# rule, and fails here once the grader stops misleading (then the mark goes).
MISLEADING = sorted(path for path, entry in MANIFEST.items() if entry.get("misleading"))
# Refused whole before any function is graded; the refusal must say what the entry's phrase says.
REFUSED = sorted(path for path, entry in MANIFEST.items() if entry.get("rejected_with"))
CORRECT = sorted((CORPUS / "correct").glob("*.py"))
MISTAKES = mistake_catalogue(catalogue(ROOT).exercises())


@cache
def graded(path: Path, seed: int | None = None):
    """Graded under the name a student would submit (the corpus file's name must not leak into a hint):
    the manifest's assignment, or for a correct file the start of its name."""
    assignment = MANIFEST[path]["assignment"] if path in MANIFEST else path.name.split("_")[0]
    with tempfile.TemporaryDirectory() as folder:
        submission = Path(folder) / f"{assignment}.py"
        shutil.copyfile(path, submission)
        return grade(submission, seed=seed)


def _expected(entry: dict) -> list[str]:
    return entry["mistake"] if isinstance(entry["mistake"], list) else [entry["mistake"]]


def _failing(report, entry: dict) -> list:
    return [t for t in report.tests if t.function in entry["flagged"] and t.status != "passed"]


def test_every_file_is_described_with_published_ids():
    assert {p for folder in (CORPUS, HELD_OUT) for p in (folder / "buggy").glob("*.py")} == set(MANIFEST)
    for path in NAMED:
        assert set(_expected(MANIFEST[path])) <= set(MISTAKES), path.name
    for path in MANIFEST:
        assert MANIFEST[path]["inspired_by"].count("/") == 1, path.name


def test_a_file_known_to_mislead_still_does():
    # one test over the marked files (none since round 20's session), so that none left is no skip
    for path in MISLEADING:
        failing = _failing(graded(path), MANIFEST[path])
        assert failing and not is_neutral(failing[0].mistake) and failing[0].mistake not in _expected(MANIFEST[path]), \
            f"{path.name}: no longer misleading ({failing[0].mistake if failing else 'not caught'}): drop its mark"


@pytest.mark.parametrize("path", REFUSED, ids=lambda p: p.name)
def test_a_file_refused_whole_is_told_what_to_change(path):
    # Python 2 source is not graded: the refusal lists every line to change (grader/python2.py).
    with pytest.raises(SubmissionError) as refused:
        graded(path)
    assert MANIFEST[path]["rejected_with"] in str(refused.value)


@pytest.mark.parametrize("path", [p for p in NAMED if p not in REFUSED], ids=lambda p: p.name)
def test_the_hint_names_the_mistake(path):
    entry, name = MANIFEST[path], path.name
    failing = _failing(graded(path), entry)
    found = [t.mistake for t in failing if t.mistake]
    assert failing, f"{name}: the bug ({entry['bug']}) is not caught"
    named = [t for t in failing if t.mistake in _expected(entry) and entry.get("hint_holds", "") in (t.hint or "")]
    assert named, f"{name}: expected {_expected(entry)} (hint with {entry.get('hint_holds')!r}), found {found}"
    # A hint that names a cause names this one: the first failing check never claims another.
    first = failing[0].mistake
    assert first in _expected(entry) or is_neutral(first), f"{name}: first hint names {first}"


def test_a_known_gap_is_not_given_another_name():
    """A bug the grader does not see (the manifest says why) gets no hint about another mistake. One is
    left, by decision: a sigmoid whose exp overflows to inf but whose values are right (a warning only)."""
    for path in GAPS:
        failing = _failing(graded(path), MANIFEST[path])
        assert not [t.mistake for t in failing if t.mistake], path.name


@pytest.mark.parametrize("path", OPEN, ids=lambda p: p.name)
def test_an_open_file_is_caught_and_never_told_another_cause(path):
    # Not named yet (its ids may be proposed new: ones), but caught, and the first failing check
    # says only what is wrong and where: no hint points the student the wrong way meanwhile.
    failing = _failing(graded(path), MANIFEST[path])
    assert failing, f"{path.name}: the bug is not caught"
    assert is_neutral(failing[0].mistake), f"{path.name}: first hint names {failing[0].mistake}"


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("path", CORRECT, ids=lambda p: p.name)
def test_correct_files_get_full_marks_at_every_seed(path, seed):
    report = graded(path, seed)
    assert report.score == report.max_score, [(t.function, t.check, t.output) for t in report.tests
                                              if t.status != "passed"]
