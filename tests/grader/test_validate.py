"""`grade validate`: the built-in assignments are valid, and a broken declaration is refused with a
message that names the problem (a mistake no check catches, a reference that fails its own checks,
a declaration that cannot be read)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.course import Course
from grader.exercises import DeclarationError
from grader.validate import validate

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def course(tmp_path) -> Path:
    """A copy of the built-in gates assignment, as a course of its own to break."""
    for part in ("exercises", "reference"):
        shutil.copytree(ROOT / part / "gates", tmp_path / part / "gates",
                        ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def run(*args) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", *args])
    return result.exit_code, result.output


@pytest.mark.parametrize("assignment", ["gates", "layers", "layers2", "rnn_layers", "svm"])
def test_every_built_in_assignment_is_valid(assignment):
    result = validate(assignment, Course(ROOT), seeds=2, sandboxed=False)
    assert result.ok, result.problems + [row for row in result.mistakes if not row.ok]
    declared = {m.id for e in Course(ROOT).catalogue()[assignment] for m in e.hidden.mistakes}
    assert declared <= {row.mistake for row in result.mistakes if row.ok}
    exercises = len(Course(ROOT).catalogue()[assignment])
    assert result.stub_score[0] == 0 and result.edge_cases > min(50, 15 * exercises)


def test_a_mistake_that_no_check_catches_fails_validation(course):
    hidden = course / "reference/gates/hidden.py"
    hidden.write_text(hidden.read_text() + '''
HIDDEN["exp"] = Hidden(_any_shape, mistakes=(
    Mistake("exp_gradient_x", "dx", "not a mistake at all", lambda c: c.dout * np.exp(c["x"])),))
''')
    code, output = run("gates", "--course", str(course), "--seeds", "1", "--in-process")
    assert code == 1
    assert "exp_gradient_x" in output and "NOT CAUGHT" in output and "NOT VALID" in output


def test_a_mistake_named_by_something_else_fails_validation(course):
    hidden = course / "reference/gates/hidden.py"
    hidden.write_text(hidden.read_text() + '''
HIDDEN["exp"] = Hidden(_any_shape, mistake_ids=EXP_IDS, mistakes=(
    Mistake("exp_of_dout", "dx", "first", lambda c: c.dout),
    Mistake("missing_local_gradient", "dx", "the same answer, declared second", lambda c: c.dout)))
''')
    result = validate("gates", Course(course), seeds=1, sandboxed=False)
    first, second = [row for row in result.mistakes if row.exercise == "exp"]
    assert first.ok and not result.ok and not result.problems
    assert second.caught_by == "gradient" and second.named_as == ("exp_of_dout",)


def test_a_mistake_without_a_meaning_fails_validation(course):
    hidden = course / "reference/gates/hidden.py"
    hidden.write_text(hidden.read_text() + '''
HIDDEN["exp"] = Hidden(_any_shape, mistakes=(Mistake("exp_squared", "dx", "x", lambda c: c.dout * 2),))
''')
    result = validate("gates", Course(course), seeds=1, sandboxed=False)
    assert any("['exp_squared'] have no meaning" in problem for problem in result.problems)


@pytest.mark.parametrize("work, limit, words", [
    ('{"x": [10, 10]}', None, "central differences through it would finish in time"),
    # the limit lowered rather than a case made huge: what is refused is the reference's time on it
    ('{"x": [200, 150]}', 1e-7, "a backward by hand must finish it well inside"),
])
def test_a_work_case_too_small_or_too_large_fails_validation(course, monkeypatch, work, limit, words):
    if limit is not None:
        monkeypatch.setattr("grader.validate.WORK_MAX_SECONDS", limit)
    hidden = course / "reference/gates/hidden.py"
    hidden.write_text(hidden.read_text() + f"""
HIDDEN["exp"] = Hidden(_any_shape, work=({work},), mistakes=EXP_MISTAKES, mistake_ids=EXP_IDS)
""")
    result = validate("gates", Course(course), seeds=1, sandboxed=False)
    assert any(words in problem for problem in result.problems), result.problems


def test_a_reference_whose_backward_is_not_its_forwards_gradient_fails_validation(course):
    reference = course / "reference/gates/gates.py"
    source = reference.read_text()
    assert source.count("dx = out * dout") == 1
    reference.write_text(source.replace("dx = out * dout", "dx = out * dout * 1.001"))
    code, output = run("gates", "--course", str(course), "--seeds", "1", "--in-process")
    assert code == 1 and "dx is not the numerical gradient of its exp_forward" in output


def test_a_reference_that_fails_its_own_checks_fails_validation(course):
    reference = course / "reference/gates/gates.py"
    source = reference.read_text()
    reference.write_text(source + "\n\n_exp = exp_forward\n\ndef exp_forward(x):\n"
                                  "    out, cache = _exp(x)\n    return out.astype(np.float32), cache\n")
    code, output = run("gates", "--course", str(course), "--seeds", "1", "--in-process")
    assert code == 1 and "the reference loses points with seed 1" in output and "exp_forward / dtype" in output


def test_an_unreadable_declaration_names_its_file_and_line(course):
    declaration = course / "exercises/gates/assignment.py"
    lines = declaration.read_text().splitlines()
    lines.insert(12, "def broken(:")
    declaration.write_text("\n".join(lines))
    code, output = run("gates", "--course", str(course), "--in-process")
    assert code == 2 and f"{declaration}, line 13: syntax error" in output


@pytest.mark.parametrize("text, words", [
    ("EXERCISES = []\n", "define EXERCISES = [Exercise(...), ...]"),
    ("EXERCISES = ['add']\n", "EXERCISES[0] is a str, not an Exercise"),
    ("import numpy as np\nfrom grader.declare import Exercise\n"
     "EXERCISES = [Exercise('exp', 'exp_forward', 'exp_backward', ('x',), None)]\n", "make_inputs must be a function"),
    ("raise KeyError('boom')\n", "line 1: KeyError"),
])
def test_a_malformed_declaration_is_a_clear_error(course, text, words):
    (course / "exercises/gates/assignment.py").write_text(text)
    with pytest.raises(DeclarationError, match="assignment.py") as error:
        Course(course).catalogue()
    assert words in str(error.value)


def test_a_hidden_declaration_for_an_unknown_exercise_is_refused(course):
    hidden = course / "reference/gates/hidden.py"
    hidden.write_text(hidden.read_text() + "\nHIDDEN['tanh'] = HIDDEN['exp']\n")
    with pytest.raises(DeclarationError, match="HIDDEN names 'tanh', which is not an exercise of gates"):
        Course(course).catalogue()
