"""`grade export-gradescope`: the zip's members, and a Gradescope run simulated locally.

The simulation unpacks the zip where Gradescope would (AUTOGRADER_ROOT/source), skips setup.sh
(which installs into a venv), and runs run_autograder with this interpreter and the zip's own copy
of the grader on PYTHONPATH: what Gradescope runs, minus the installation.
"""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.course import Course
from grader.gradescope_export import ExportError, build_autograder, error_results

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = (ROOT / "reference/layers/layers.py").read_text()
STUB = (ROOT / "exercises/layers/layers.py").read_text()
TEST_KEYS = {"name", "score", "max_score", "status", "output", "visibility"}


def sandbox_complete() -> bool:
    from grader.sandbox.zygote import Zygote
    zygote = Zygote()
    try:
        return zygote.status.complete
    finally:
        zygote.close()


@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "autograder.zip"
    members = build_autograder("layers", out)
    return out, members


def test_the_zip_holds_the_entry_points_at_its_root_and_the_grader_under_source(autograder):
    path, members = autograder
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
        run_autograder = archive.read("run_autograder").decode()
    assert names == set(members)
    assert {"setup.sh", "run_autograder", "README.md", "gradescope_results.py"} <= names
    for script in ("setup.sh", "run_autograder"):
        assert modes[script] & stat.S_IXUSR
    grader_files = {f"source/{p.relative_to(ROOT).as_posix()}" for p in (ROOT / "grader").rglob("*.py")
                    if "__pycache__" not in p.parts}
    assert grader_files <= names
    assert {"source/pyproject.toml", "source/reference/layers/layers.py", "source/reference/layers/hidden.py",
            "source/exercises/layers/assignment.py",
            "source/exercises/layers/public_cases.json", "source/exercises/layers/layers.py"} <= names
    assert not [n for n in names if "__pycache__" in n or n.startswith("source/reference/gates")]
    assert 'ASSIGNMENT="layers"' in run_autograder and 'MODE="sandboxed"' in run_autograder
    secret = run_autograder.split('GRADER_SECRET="')[1].split('"')[0]
    assert len(secret) == 64 and int(secret, 16)


@pytest.mark.parametrize("script", ["setup.sh", "run_autograder"])
def test_scripts_are_valid_bash(autograder, tmp_path, script):
    with zipfile.ZipFile(autograder[0]) as archive:
        (tmp_path / script).write_bytes(archive.read(script))
    result = subprocess.run(["bash", "-n", str(tmp_path / script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_each_export_has_its_own_secret(tmp_path):
    secrets = set()
    for name in ("a.zip", "b.zip"):
        build_autograder("layers", tmp_path / name)
        with zipfile.ZipFile(tmp_path / name) as archive:
            secrets.add(archive.read("run_autograder").decode().split('GRADER_SECRET="')[1][:64])
    assert len(secrets) == 2


# ---------------------------------------------------------------------------------------------
# A simulated Gradescope run


def run_gradescope(zip_path: Path, tmp_path: Path, submission: dict[str, str | bytes], *,
                   python: str = sys.executable) -> dict:
    """Unpack like Gradescope, put `submission` in submission/, run run_autograder; results.json."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(root / "source")
    (root / "submission").mkdir()
    for name, content in submission.items():
        path = root / "submission" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GRADER_SECRET")}
    env.update(AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=python, PYTHONPATH=str(root / "source" / "source"))
    result = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, cwd=root / "submission",
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads((root / "results" / "results.json").read_text())


def assert_valid_results(results: dict) -> None:
    assert isinstance(results["score"], (int, float))
    assert isinstance(results["tests"], list)
    for test in results["tests"]:
        assert set(test) == TEST_KEYS
        assert 0 <= test["score"] <= test["max_score"]
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] in ("visible", "after_published")


def test_a_correct_submission_gets_full_marks(autograder, tmp_path):
    results = run_gradescope(autograder[0], tmp_path, {"layers.py": REFERENCE})
    assert_valid_results(results)
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) == 80.5  # 0.5 of it: batchnorm refuses an unknown mode (issue 20)
    assert {t["status"] for t in results["tests"]} == {"passed"}
    if sandbox_complete():
        assert {t["visibility"] for t in results["tests"]} == {"visible", "after_published"}
    else:
        assert results["output"].startswith("Only the public checks ran")
        assert {t["visibility"] for t in results["tests"]} == {"visible"}


def test_the_run_uses_the_zips_own_grader_and_secret(autograder, tmp_path):
    """The seed of the hidden cases comes from the secret baked into run_autograder, not the default."""
    if not sandbox_complete():
        pytest.skip("hidden checks need the sandbox")
    from grader.cases.seeds import DEFAULT_SECRET
    results = run_gradescope(autograder[0], tmp_path, {"layers.py": STUB})
    hidden = [t for t in results["tests"] if t["visibility"] == "after_published"]
    assert hidden and DEFAULT_SECRET not in json.dumps(results)


def test_a_stub_scores_0_with_every_test_listed(autograder, tmp_path):
    results = run_gradescope(autograder[0], tmp_path, {"layers.py": STUB})
    assert_valid_results(results)
    assert results["score"] == 0 and len(results["tests"]) >= 35
    assert all("not implemented" in t["output"] for t in results["tests"])


def test_a_notebook_and_several_files_are_graded(autograder, tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(REFERENCE)]
    results = run_gradescope(autograder[0], tmp_path / "nb", {"layers.ipynb": nbformat.writes(notebook)})
    assert results["score"] == 80.5
    several = run_gradescope(autograder[0], tmp_path / "several",
                             {"scratch.py": "print('hi')\n", "hw/layers.py": REFERENCE, "notes.txt": "x"})
    assert several["score"] == 80.5


@pytest.mark.parametrize("submission, words", [
    ({"layers.py": "def relu_forward(x)\n"}, "layers.py, line 1: syntax error"),
    ({"answers.pdf": "%PDF"}, "No .py, .ipynb or .zip file was submitted"),
    ({}, "No .py, .ipynb or .zip file was submitted"),
])
def test_an_ungradable_submission_gets_a_valid_results_json_with_score_0(autograder, tmp_path, submission, words):
    results = run_gradescope(autograder[0], tmp_path, submission)
    assert_valid_results(results)
    assert results["score"] == 0 and results["tests"] == []
    assert words in results["output"]
    assert "Traceback" not in results["output"] and "Error: " not in results["output"]


def test_a_missing_grader_still_writes_results_json(autograder, tmp_path):
    results = run_gradescope(autograder[0], tmp_path, {"layers.py": REFERENCE}, python=str(tmp_path / "no-python"))
    assert results["score"] == 0 and "setup.sh failed" in results["output"]


def test_a_submission_named_like_the_grader_cannot_replace_it(autograder, tmp_path):
    """run_autograder never runs Python from the submission folder: a grader/ package there is inert."""
    results = run_gradescope(autograder[0], tmp_path, {
        "layers.py": REFERENCE, "grader/__init__.py": "raise SystemExit('hijacked')", "grader/cli.py": ""})
    assert results["score"] == 80.5


def test_without_a_sandbox_only_public_checks_run_and_the_results_say_so(autograder, tmp_path):
    """A container without namespaces, simulated by a sandbox probe that fails."""
    with zipfile.ZipFile(autograder[0]) as source, zipfile.ZipFile(tmp_path / "nosandbox.zip", "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "run_autograder":
                probe = b'"$PYTHON" -P -c "$SANDBOX_PROBE"'
                assert data.count(probe) == 1
                data = data.replace(probe, b"false")
            target.writestr(info, data)
    results = run_gradescope(tmp_path / "nosandbox.zip", tmp_path, {"layers.py": REFERENCE})
    assert results["output"].startswith("Only the public checks ran: this grading machine cannot sandbox")
    assert {t["visibility"] for t in results["tests"]} == {"visible"}
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) > 0


def test_public_only_export_runs_public_checks_only(tmp_path):
    path = tmp_path / "public.zip"
    build_autograder("layers", path, public_only=True)
    results = run_gradescope(path, tmp_path, {"layers.py": REFERENCE})
    assert {t["visibility"] for t in results["tests"]} == {"visible"}
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) > 0


# ---------------------------------------------------------------------------------------------
# The results helper, on its own (it also carries the no-sandbox note)


@pytest.fixture
def helper(autograder, tmp_path):
    with zipfile.ZipFile(autograder[0]) as archive:
        (tmp_path / "gradescope_results.py").write_bytes(archive.read("gradescope_results.py"))

    def run(*args):
        return subprocess.run([sys.executable, str(tmp_path / "gradescope_results.py"), *map(str, args)],
                              capture_output=True, text=True)
    return run


def test_helper_finish_adds_the_note_and_rejects_what_is_not_a_report(helper, tmp_path):
    (tmp_path / "in.json").write_text(json.dumps({"score": 3, "tests": [], "output": "Your code printed: x"}))
    assert helper("finish", tmp_path / "in.json", tmp_path / "out.json", "Only the public checks ran.").returncode == 0
    output = json.loads((tmp_path / "out.json").read_text())["output"]
    assert output == "Only the public checks ran.\n\nYour code printed: x"
    (tmp_path / "bad.json").write_text("Traceback ...")
    assert helper("finish", tmp_path / "bad.json", tmp_path / "out2.json", "").returncode != 0
    assert not (tmp_path / "out2.json").exists()


def test_helper_fail_writes_what_error_results_writes(helper, tmp_path):
    helper("fail", tmp_path / "results.json", "it broke")
    assert json.loads((tmp_path / "results.json").read_text()) == error_results("it broke")


# ---------------------------------------------------------------------------------------------
# Options and the command


def test_contradictory_or_impossible_exports_are_refused(tmp_path):
    with pytest.raises(ExportError, match="contradict"):
        build_autograder("layers", tmp_path / "a.zip", public_only=True, allow_unsandboxed=True)
    with pytest.raises(ExportError, match="unknown assignment"):
        build_autograder("nope", tmp_path / "a.zip")
    with pytest.raises(ExportError, match="is a folder"):
        build_autograder("layers", tmp_path)
    with pytest.raises(ExportError, match="declares none"):
        build_autograder("layers", tmp_path / "a.zip", course=Course(tmp_path))


def test_unsandboxed_export_passes_allow_unsandboxed(tmp_path):
    build_autograder("layers", tmp_path / "a.zip", allow_unsandboxed=True)
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        script = archive.read("run_autograder").decode()
    assert 'MODE="unsandboxed"' in script and "--allow-unsandboxed" in script


def test_the_command_writes_the_zip_and_refuses_contradictions(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["export-gradescope", "--assignment", "gates", "--out", str(tmp_path / "g.zip")])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "g.zip") as archive:
        assert "source/reference/gates/gates.py" in archive.namelist()
    both = runner.invoke(main, ["export-gradescope", "--assignment", "gates", "--out", str(tmp_path / "h.zip"),
                                "--public-only", "--allow-unsandboxed"])
    assert both.exit_code == 2 and "contradict" in both.stderr
    assert not (tmp_path / "h.zip").exists()


def test_a_staged_graph_exports_and_grades_node_by_node(tmp_path):
    # No public_cases.json: a staged graph draws its own inputs.
    path = tmp_path / "ninja.zip"
    build_autograder("ninja", path, public_only=True)
    buggy = Path(__file__).resolve().parents[1] / "corpus" / "staged" / "ninja" / "buggy" / "ninja_sign_dbnmeani.py"
    results = run_gradescope(path, tmp_path, {"ninja.py": buggy.read_text()})
    failing = [t for t in results["tests"] if t.get("score", 0) < t["max_score"]]
    assert [t["name"] for t in failing] == ["dbnmeani: local step (public)"]
    assert "the first node whose step is wrong: dbnmeani has the wrong sign" in failing[0]["output"]
    drawn = results["output"].splitlines()
    assert drawn[0].startswith("Graph: ") and "(public)" in drawn[0]      # the hidden graph waits for publication
    assert any(line.strip().startswith("✗ dbnmeani") and "FIRST WRONG" in line for line in drawn)
