"""bench/real_files.py: every distinct version of a file in a repository's history, graded, its failures
sorted into named, neutral and hintless (the reading list of a mining round)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.real_files import failures, versions  # noqa: E402

REFERENCE = (ROOT / "reference" / "gates" / "gates.py").read_text()
# db left as dout: not summed over the axes b was broadcast along (db_not_summed), a bug students fix
BUGGY = REFERENCE.replace("    db = unbroadcast(1.0 * dout, b.shape)", "    db = 1.0 * dout")
# a backward that raises an exception no reading explains: the student reads the exception, no hint
RAISES = REFERENCE.replace("    db = unbroadcast(1.0 * dout, b.shape)", "    raise RuntimeError(\"half done\")")


def _commit(repo: Path, message: str) -> None:
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(repo), "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", message],
                   check=True)


@pytest.fixture
def history(tmp_path):
    """A student's repository: the bug, then a crash, then the fix, then a commit that leaves the file alone."""
    repo = tmp_path / "student"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "cs231n").mkdir()
    for content, message in ((BUGGY, "gates"), (RAISES, "try again"), (REFERENCE, "fixed")):
        (repo / "cs231n" / "gates.py").write_text(content)
        _commit(repo, message)
    (repo / "README.md").write_text("notes\n")
    _commit(repo, "readme")
    return repo / ".git"


def test_each_distinct_version_once_newest_first(history):
    found = versions(history, "gates.py")
    assert len(found) == 3 and all(v.path == "cs231n/gates.py" for v in found)
    assert len({v.blob for v in found}) == 3
    assert len(versions(history, "gates.py", latest=True)) == 1
    assert versions(history, "layers.py") == []


def test_failures_are_sorted_by_what_their_hint_says(history):
    fixed, raises, buggy = versions(history, "gates.py")
    assert failures(history, fixed, "gates", seed=1) == []
    named = failures(history, buggy, "gates", seed=1)
    assert [(f.function, f.mistake, f.verdict) for f in named] == [("add_backward", "db_not_summed", "named")]
    hintless = failures(history, raises, "gates", seed=1)
    assert [(f.function, f.verdict) for f in hintless] == [("add_backward", "no hint")]
    assert "add_backward" in hintless[0].output
