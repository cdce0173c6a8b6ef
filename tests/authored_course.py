"""Helpers shared by the tests of an installed grader and of a course written from the guide.

`install_grader` installs the grader non-editably into a fresh venv; `course_from_guide` writes
the course that docs/authoring-exercises.md builds, from the page's own file blocks, so the guide
and what the tests grade cannot drift apart."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "authoring-exercises.md"
FILE_BLOCK = re.compile(r"<!-- file: (?P<path>[^ ]+) -->\n```\w*\n(?P<text>.*?)```", re.DOTALL)


def install_grader(base: Path) -> Path:
    """A fresh venv with the grader installed from a copy of its sources (so the copy's folder,
    and the checkout, are nowhere near the installed package). Offline: the venv sees the system's
    numpy, click and nbformat, and setuptools builds without an isolated environment."""
    source = base / "source"
    for package in ("grader", "server"):
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
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


def course_from_guide(folder: Path) -> dict[str, str]:
    """Write every file the guide gives into `folder`; {relative path: text}."""
    files = {m["path"]: m["text"] for m in FILE_BLOCK.finditer(GUIDE.read_text())}
    for relative, text in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return files
