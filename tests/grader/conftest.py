"""Fixtures for grader tests: submissions made from the reference with one change."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = {name: ROOT / "reference" / name / f"{name}.py" for name in ("gates", "layers", "layers2", "svm")}


@pytest.fixture
def mutant(tmp_path):
    """mutant("layers", old, new, [old2, new2, ...]) -> path of the reference with each `old`
    replaced by its `new` (each must occur exactly once)."""
    def make(assignment: str, *changes: str, name: str = "submission.py") -> Path:
        source = REFERENCE[assignment].read_text()
        for old, new in zip(changes[::2], changes[1::2]):
            assert source.count(old) == 1, f"{old!r} must occur exactly once in the reference"
            source = source.replace(old, new)
        path = tmp_path / name
        path.write_text(source)
        return path
    return make


@pytest.fixture
def write(tmp_path):
    """write(source) -> path of a submission file holding `source`."""
    def make(source: str, name: str = "submission.py") -> Path:
        path = tmp_path / name
        path.write_text(source)
        return path
    return make


def _failing(report, function: str | None = None):
    return [t for t in report.tests if t.status != "passed" and (function is None or t.function == function)]


@pytest.fixture
def failing():
    """failing(report, function=None) -> the tests that did not pass (of one function, if given)."""
    return _failing
