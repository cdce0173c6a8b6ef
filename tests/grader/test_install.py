"""The grader installed as a package (not editable): it grades a course found outside itself."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.authored_course import course_from_guide, install_grader

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    return install_grader(tmp_path_factory.mktemp("install"))


def grade_check(venv: Path, *args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return grade_command(venv, "check", *args, cwd=cwd, env=env)


def grade_command(venv: Path, *args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("GRADER_COURSE", "GRADER_REFERENCE_DIR", "PYTHONPATH")}
    return subprocess.run([str(venv / "bin" / "grade"), *args], cwd=cwd, env={**environ, **(env or {})},
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_an_installed_grader_grades_from_another_folder_with_course_or_grader_course(installed, tmp_path):
    submission = tmp_path / "layers.py"
    shutil.copy2(ROOT / "reference" / "layers" / "layers.py", submission)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    with_option = grade_check(installed, str(submission), "--public", "--course", str(ROOT), cwd=elsewhere)
    assert with_option.returncode == 0, with_option.stdout + with_option.stderr
    assert "checks passed" in with_option.stdout

    with_env = grade_check(installed, str(submission), "--public", cwd=elsewhere, env={"GRADER_COURSE": str(ROOT)})
    assert with_env.returncode == 0, with_env.stdout + with_env.stderr

    nowhere = grade_check(installed, str(submission), "--public", cwd=elsewhere)
    assert nowhere.returncode == 2
    assert "no course directory" in nowhere.stderr and str(elsewhere) in nowhere.stderr, nowhere.stderr


@pytest.mark.slow
def test_a_course_written_from_the_guide_is_valid_and_graded_by_the_installed_grader(installed, tmp_path):
    """The authoring guide, followed with the installed grader in a fresh folder: the lesson builds
    the stub and notebook, `grade validate` proves the declarations, and a correct and a buggy
    submission are graded with hidden checks, the bug named by the declared mistake."""
    course = tmp_path / "mycourse"
    written = course_from_guide(course)
    assert {"reference/tanh/tanh.py", "reference/tanh/hidden.py", "exercises/tanh/assignment.py",
            "exercises/tanh/lesson.py", "exercises/tanh/public_cases.json"} <= set(written)

    built = grade_command(installed, "build-exercises", "tanh", cwd=course)
    assert built.returncode == 0, built.stderr
    assert (course / "exercises/tanh/tanh.py").is_file() and (course / "exercises/tanh/tanh.ipynb").is_file()

    validated = grade_command(installed, "validate", "tanh", "--seeds", "2", cwd=course)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "tanh_missing_square" in validated.stdout and validated.stdout.rstrip().endswith("valid")

    correct = tmp_path / "tanh.py"
    correct.write_text(written["reference/tanh/tanh.py"])
    buggy = tmp_path / "buggy" / "tanh.py"
    buggy.parent.mkdir()
    buggy.write_text(written["reference/tanh/tanh.py"].replace("(1 - out ** 2)", "(1 - out)"))
    graded = {}
    for name, path in (("correct", correct), ("buggy", buggy)):
        result = grade_check(installed, str(path), "--format", "json", cwd=tmp_path, env={"GRADER_COURSE": str(course)})
        assert result.returncode in (0, 1), result.stderr
        graded[name] = json.loads(result.stdout)
    assert graded["correct"]["score"] == graded["correct"]["max_score"] > 0
    assert any(t["visibility"] == "hidden" for t in graded["correct"]["tests"])
    failed = [t for t in graded["buggy"]["tests"] if t["status"] == "failed"]
    assert failed and {t["function"] for t in failed} == {"tanh_backward"}
    assert {t["mistake"] for t in failed if t["check"] == "gradient"} == {"tanh_missing_square"}
