"""The contract between the grader and another kind of exercise (grader.exercises.kinds), on the
smallest kind there is: tests/grader/courses/kinds declares `Doubling`, whose student writes
double(x). Whatever a kind grades, the grading loop, validation, releases and the catalogue must
treat it the same way as an ordinary exercise."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.course import Course
from grader.diagnosis.mistake_ids import catalogue as mistake_catalogue
from grader.engine import grade
from grader.exercises import DeclarationError
from grader.release import build_release
from grader.results import Status, Visibility
from grader.validate import validate

COURSE = Path(__file__).parent / "courses" / "kinds"


@pytest.fixture
def course(tmp_path) -> Path:
    copy = tmp_path / "course"
    shutil.copytree(COURSE, copy)
    return copy


def write(folder: Path, text: str) -> Path:
    path = folder / "doubling.py"
    path.write_text(text)
    return path


def test_a_kind_is_graded_in_the_sandbox_public_and_hidden(tmp_path):
    report = grade(write(tmp_path, "def double(x):\n    return x + x\n"), course=COURSE, seed=3)
    assert [(t.function, t.check, t.visibility, t.status) for t in report.tests] == [
        ("double", "doubles", Visibility.VISIBLE, Status.PASSED),
        ("double", "doubles", Visibility.HIDDEN, Status.PASSED)]
    assert report.score == report.max_score == 4


def test_a_wrong_answer_fails_with_the_kinds_mistake_id(tmp_path):
    report = grade(write(tmp_path, "def double(x):\n    return 3 * x\n"), course=COURSE, seed=3)
    assert report.score == 0 and {t.mistake for t in report.tests} == {"doubling_wrong"}


def test_the_hidden_inputs_are_the_kinds_own_from_the_submissions_seed(tmp_path):
    # Right on the public inputs only (0, 1, 2): the hidden ones, scaled by the hidden half, catch it.
    path = write(tmp_path, "import numpy as np\ndef double(x):\n    return np.where(np.abs(x) < 3, 2 * x, 0)\n")
    report = grade(path, course=COURSE, seed=3)
    assert [t.status for t in report.tests] == [Status.PASSED, Status.FAILED]


def test_a_file_that_cannot_be_imported_gives_every_test_of_the_kind_its_zero(tmp_path):
    report = grade(write(tmp_path, "def double(x):\n    return 2 * x\nraise RuntimeError('boom')\n"),
                   course=COURSE, seed=3, assignment="doubling")
    assert [(t.visibility, t.status, t.max_score, t.mistake) for t in report.tests] == [
        (Visibility.VISIBLE, Status.ERROR, 2.0, "import_failed"), (Visibility.HIDDEN, Status.ERROR, 2.0, "import_failed")]


def test_a_kind_that_crashes_is_reported_as_the_graders_error_not_a_crash_of_the_grade(course, tmp_path):
    declaration = course / "exercises" / "doubling" / "assignment.py"
    declaration.write_text(declaration.read_text().replace("x = self.inputs(run)", "x = 1 / 0"))
    report = grade(write(tmp_path, "def double(x):\n    return 2 * x\n"), course=course, seed=3)
    assert [t.status for t in report.tests] == [Status.ERROR, Status.ERROR]
    assert "failed internally" in report.tests[0].output and "ZeroDivisionError" in report.tests[0].output


def test_validate_runs_the_generic_proofs_and_the_kinds_own(course):
    result = validate("doubling", Course(course), seeds=2, sandboxed=False)
    assert result.ok, result.problems
    assert result.reference_scores == [(1, 4.0, 4.0), (2, 4.0, 4.0)] and result.stub_score == (0.0, 4.0)
    (course / "reference" / "doubling" / "hidden.py").write_text('HIDDEN = {"doubling": -1.0}\n')
    assert validate("doubling", Course(course), seeds=1, sandboxed=False).problems == [
        "doubling: the hidden scale must be positive"]


def test_a_release_answers_a_kinds_public_tests_from_its_recorded_answers(course, tmp_path):
    release = tmp_path / "release"
    build_release("doubling", release, course=Course(course))
    assert not (release / "reference").exists()
    report = grade(write(tmp_path, "def double(x):\n    return 2 * x\n"), course=release, in_process=True)
    assert [(t.visibility, t.status) for t in report.tests] == [(Visibility.VISIBLE, Status.PASSED)]
    wrong = grade(write(tmp_path, "def double(x):\n    return x\n"), course=release, in_process=True)
    assert wrong.tests[0].status is Status.FAILED


def test_the_mistake_catalogue_lists_a_kinds_ids():
    kinds = Course(COURSE).catalogue().exercises()
    assert mistake_catalogue(kinds)["doubling_wrong"] == "double(x) is not 2 x"


@pytest.mark.parametrize("hidden, words", [
    ('HIDDEN = {"doubling": "ten"}\n', "HIDDEN['doubling'] is a str, not a float"),
    ('HIDDEN = {"tripling": 1.0}\n', "not an exercise of doubling"),
])
def test_a_wrong_hidden_half_of_a_kind_is_a_clear_error(course, hidden, words):
    (course / "reference" / "doubling" / "hidden.py").write_text(hidden)
    with pytest.raises(DeclarationError, match=words.replace("[", r"\[").replace("]", r"\]")):
        Course(course).catalogue()


def test_a_kind_that_grades_no_function_is_refused(course):
    declaration = course / "exercises" / "doubling" / "assignment.py"
    declaration.write_text(declaration.read_text().replace("return (self.function,)", "return ()"))
    with pytest.raises(DeclarationError, match="grades no student function"):
        Course(course).catalogue()


def test_a_kind_reads_the_source_and_its_graphs_land_in_the_report(course, tmp_path):
    # KindRun.source: the submission's module, never run by the grader; KindRun.graphs: plain data
    # the report keeps (Report.graphs) and stores; a drawing skips what is not a staged graph's.
    declaration = course / "exercises" / "doubling" / "assignment.py"
    declaration.write_text(declaration.read_text().replace(
        "        x = self.inputs(run)\n",
        "        x = self.inputs(run)\n"
        "        run.graphs.append({'exercise': self.name, 'defines': b'def double' in run.source})\n"))
    report = grade(write(tmp_path, "def double(x):\n    return 2 * x\n"), course=course, seed=3)
    assert report.graphs == [{"exercise": "doubling", "defines": True}] * 2
    assert report.to_dict()["graphs"] == report.graphs
    from grader.report.text import to_text
    assert "Graph:" not in to_text(report)
