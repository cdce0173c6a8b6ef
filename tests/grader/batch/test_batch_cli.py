"""`grade batch`: exit codes, the summary table, progress on stderr."""
from __future__ import annotations

from click.testing import CliRunner

from classroom import REFERENCE, STUB
from grader.cli import main


def batch(*args):
    return CliRunner().invoke(main, ["batch", *map(str, args)])


def test_all_graded_exits_0_whatever_the_scores(tmp_path):
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "ann.py").write_text(REFERENCE)
    (tmp_path / "class" / "ben.py").write_text(STUB)
    result = batch(tmp_path / "class", "--assignment", "layers", "--out", tmp_path / "out", "--jobs", "2",
                   "--allow-unsandboxed")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["student", "score", "status", "failed", "time"]
    assert lines[1].split()[:4] == ["ann", "80.5/80.5", "graded", "0"]
    assert lines[2].split()[:4] == ["ben", "0/80.5", "graded", "71"]
    assert lines[-1].startswith("2 of 2 submissions graded")
    assert "[2/2]" in result.stderr and "[2/2]" not in result.stdout

    rerun = batch(tmp_path / "class", "--assignment", "layers", "--out", tmp_path / "out", "--allow-unsandboxed")
    assert rerun.exit_code == 0
    assert "2 unchanged since the last run" in rerun.stdout and "already graded" in rerun.stderr


def test_a_submission_that_cannot_be_graded_exits_1(tmp_path):
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "ann.py").write_text(REFERENCE)
    (tmp_path / "class" / "cy.py").write_text("def relu_forward(x)\n")
    result = batch(tmp_path / "class", "--assignment", "layers", "--out", tmp_path / "out", "--allow-unsandboxed")
    assert result.exit_code == 1
    assert "error: cy.py, line 1: syntax error" in result.stdout
    assert "1 could not be graded" in result.stdout


def test_usage_errors_exit_2(tmp_path):
    missing = batch(tmp_path / "nowhere", "--assignment", "layers", "--out", tmp_path / "out")
    assert missing.exit_code == 2 and "no such file or folder" in missing.stderr
    assert "Traceback" not in missing.output
    assert batch(tmp_path, "--out", tmp_path / "out").exit_code == 2                      # no --assignment
    assert batch(tmp_path, "--assignment", "layers", "--out", tmp_path / "o", "--jobs", "0").exit_code == 2
