"""Finding the course directory: --course, GRADER_COURSE, the working directory and its parents."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader import course as course_module
from grader.course import Course, CourseNotFound, find_course
from grader.engine import grade
from grader.results import Status

ROOT = Path(__file__).resolve().parents[2]


def make_course(folder: Path) -> Path:
    (folder / "exercises").mkdir(parents=True)
    (folder / "reference").mkdir()
    return folder


@pytest.fixture
def nowhere(monkeypatch, tmp_path):
    """No course beside the grader package either, as after `pip install .`."""
    monkeypatch.setattr(course_module, "PACKAGE_PARENT", tmp_path / "site-packages")
    monkeypatch.delenv("GRADER_COURSE", raising=False)
    monkeypatch.delenv("GRADER_REFERENCE_DIR", raising=False)


def test_an_explicit_folder_wins_over_the_environment_and_the_working_directory(tmp_path, nowhere, monkeypatch):
    explicit, from_env, here = (make_course(tmp_path / name) for name in ("explicit", "env", "here"))
    monkeypatch.setenv("GRADER_COURSE", str(from_env))
    assert find_course(explicit, cwd=here).root == explicit
    assert find_course(None, cwd=here).root == from_env
    monkeypatch.delenv("GRADER_COURSE")
    assert find_course(None, cwd=here).root == here


def test_the_working_directory_and_its_parents_are_searched(tmp_path, nowhere):
    course = make_course(tmp_path / "course")
    deep = course / "exercises" / "layers"
    deep.mkdir()
    found = find_course(cwd=deep)
    assert found.root == course
    assert found.reference_dir == course / "reference" and found.exercises_dir == course / "exercises"


def test_a_wrong_explicit_folder_is_reported_not_replaced_by_another_course(tmp_path, nowhere, monkeypatch):
    here = make_course(tmp_path / "here")
    with pytest.raises(CourseNotFound, match=r"from --course\) is not a course directory"):
        find_course(tmp_path / "typo", cwd=here)
    monkeypatch.setenv("GRADER_COURSE", str(tmp_path / "typo"))
    with pytest.raises(CourseNotFound, match="from GRADER_COURSE"):
        find_course(cwd=here)


def test_when_none_is_found_it_says_every_folder_it_looked_in(tmp_path, nowhere):
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    with pytest.raises(CourseNotFound) as raised:
        find_course(cwd=deep)
    message = str(raised.value)
    for folder in (deep, tmp_path / "a", tmp_path, tmp_path / "site-packages"):
        assert str(folder) in message
    assert "--course" in message and "GRADER_COURSE" in message


def test_grader_reference_dir_still_points_at_the_reference_solutions(tmp_path, nowhere, monkeypatch):
    course = make_course(tmp_path / "course")
    monkeypatch.setenv("GRADER_REFERENCE_DIR", str(tmp_path / "elsewhere"))
    assert find_course(cwd=course).reference_dir == tmp_path / "elsewhere"


def test_grade_uses_the_course_it_is_given(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(ROOT / "exercises" / "layers", course / "exercises" / "layers")
    shutil.copytree(ROOT / "reference" / "layers", course / "reference" / "layers")
    reference = course / "reference" / "layers" / "layers.py"
    source = reference.read_text()
    assert source.count("    out = np.maximum(x, 0.0)\n") == 1
    reference.write_text(source.replace("    out = np.maximum(x, 0.0)\n", "    out = np.maximum(x, 0.0) + 1.0\n"))
    honest = tmp_path / "relu.py"
    honest.write_text("import numpy as np\n\ndef relu_forward(x):\n    return np.maximum(x, 0.0), x\n")
    ours = grade(honest, public_only=True)
    theirs = grade(honest, public_only=True, course=Course(course))
    assert [t.status for t in ours.tests if t.check == "forward"] == [Status.PASSED]
    assert [t.status for t in theirs.tests if t.check == "forward"] == [Status.FAILED]


def test_an_exercises_package_beside_an_installed_grader_is_not_a_course(tmp_path, monkeypatch):
    site_packages = tmp_path / "site-packages"
    (site_packages / "exercises").mkdir(parents=True)       # somebody's package named exercises
    monkeypatch.setattr(course_module, "PACKAGE_PARENT", site_packages)
    monkeypatch.delenv("GRADER_COURSE", raising=False)
    with pytest.raises(CourseNotFound):
        find_course(cwd=tmp_path)
    (site_packages / "pyproject.toml").write_text("")        # a checkout: its exercises/ is the course
    assert find_course(cwd=tmp_path).root == site_packages
