"""bench/run.py --smoke runs end to end, and its counts are right. Never a threshold on time: the
figures themselves are for people reading bench/README.md."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "figures.json"
    done = subprocess.run([sys.executable, "bench/run.py", "--smoke", "--json", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=1500)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    assert "goal" in done.stdout and "load average" in done.stdout
    return json.loads(out.read_text())


pytestmark = pytest.mark.slow


def test_every_submission_of_every_burst_is_graded_exactly_once(figures):
    runs = figures["server"]["runs"]
    faults = [run["fault"] for run in runs]
    assert faults[:2] == ["none", "kill"]
    assert "redis" in faults or figures["server"]["deployment"].startswith("SQLite")
    for run in runs:
        assert run["posted_ok"] == run["n"] == run["rows"], (run["refused_statuses"], run)
        assert run["graded"] == run["results"] == run["n"], run
        assert run["lost"] == run["graded_twice"] == run["errors"] == 0, run
        assert run["http_graded"] == run["http_checked"] == run["n"], run
    killed = next(run for run in runs if run["fault"] == "kill")
    assert killed["killed"] > 0


def test_the_machine_cpu_of_a_graded_submission_is_split_into_its_parts(figures):
    parts = figures["server"]["runs"][0]["machine_cpu_per_graded"]
    assert set(parts) == {"machine", "grading", "web", "database", "redis", "bench", "rest"}
    assert parts["grading"] > 0 and parts["web"] > 0 and parts["bench"] > 0
    assert all(seconds >= 0 for seconds in parts.values())
    assert (parts["database"] > 0) == figures["server"]["deployment"].startswith("PostgreSQL")


def test_forward_calls_are_counted_and_the_full_check_computed(figures):
    rows = {(r["function"], r["shape"]): r for r in figures["calls"]}
    affine = rows[("affine_forward", "(64, 100, 50)")]
    assert affine["cs231n"] == 2 * (64 * 100 + 100 * 50 + 50)
    assert rows[("affine_forward", "(256, 512, 256)")]["cs231n"] == 2 * (256 * 512 + 512 * 256 + 256)
    assert affine["ours"] == 1 and affine["ours_wrong_forward"] == 1 + 3 * 2 * 2    # probes: 2 per direction
    assert all(r["passed"] and 0 < r["ours"] < r["ours_wrong_forward"] < r["cs231n"] for r in figures["calls"])


def test_the_corpus_comparison_ran_on_buggy_and_correct_files(figures):
    corpus = figures["corpus"]
    assert corpus["files"] >= 1 and corpus["missed"] == [] and corpus["false_alarms"] == []
    assert any(r["correct"] for r in corpus["rows"]) and any(not r["correct"] for r in corpus["rows"])


def test_warm_grade_counts_and_memory_marks(figures):
    assert figures["warm"]["checks"] > 100 and figures["warm"]["messages"] > 0
    assert figures["memory"]["small"] < figures["memory"]["large"]
    memory = figures["server"]["memory"]
    assert memory["web"] > 0 and memory["worker"] > 0 and memory["student"] > 0


def test_the_dashboard_has_its_row(figures):
    rows = [r for r in figures["rows"] if r["goal"] == "5"]
    assert rows and (rows[0]["ours"].startswith("missing") or "dashboard" in figures)


def test_the_cs231n_row_counts_the_notebooks_calls_and_ours(figures):
    f = figures["cs231n"]
    # The notebooks' gradient-check cells: 1 forward for the cache + 2 per element of every input.
    elements = [4 * 5 + 5 + 5, 4 * 5 + 5 + 5, 10 * 10, 4 * 3 * 5 * 5 + 2 * 3 * 3 * 3 + 2, 3 * 2 * 8 * 8,
                2 * 3 * 4 * 5 + 3 + 3, 2 * 6 * 4 * 5 + 6 + 6]
    assert f["theirs_forward_calls"] == sum(1 + 2 * n for n in elements)
    assert 0 < f["ours_forward_calls"] < f["ours_calls"] and f["hidden_checks"] > 0 and f["functions"] == 14
    assert f["theirs_worst_rel_error"] < 1e-5
