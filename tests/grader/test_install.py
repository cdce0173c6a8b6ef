"""The grader installed as a package (not editable): it grades a course found outside itself."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the grader installed from a copy of its sources (so the copy's folder,
    and the checkout, are nowhere near the installed package). Offline: the venv sees the system's
    numpy, click and nbformat, and setuptools builds without an isolated environment."""
    base = tmp_path_factory.mktemp("install")
    source = base / "source"
    shutil.copytree(ROOT / "grader", source / "grader", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "pyproject.toml", source / "pyproject.toml")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--no-build-isolation", "--no-index", str(source)], check=True, cwd=base, timeout=300)
    shutil.rmtree(source)    # nothing may still point at the sources it was built from
    where = subprocess.run([str(python), "-c", "import grader; print(grader.__file__)"], cwd=base,
                           capture_output=True, text=True, check=True).stdout
    assert "site-packages" in where and str(venv) in where, where
    return venv


def grade_check(venv: Path, *args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("GRADER_COURSE", "GRADER_REFERENCE_DIR", "PYTHONPATH")}
    return subprocess.run([str(venv / "bin" / "grade"), "check", *args], cwd=cwd, env={**environ, **(env or {})},
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
