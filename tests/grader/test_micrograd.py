"""The micrograd exercise (grader.micrograd): a student-written autograd engine graded by generated
programs, on a corpus of engines (tests/corpus_micrograd): correct ones in several styles get full
marks; each buggy one is caught by the test it belongs to, named by its mistake id, and shown the
smallest expression the engine gets wrong, as Python that really goes wrong when run with it."""
from __future__ import annotations

import ast
import shutil
import types
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from grader.course import Course
from grader.engine import grade
from grader.micrograd import programs as P
from grader.micrograd import MISTAKES
from grader.release import build_release
from grader.results import Status, Visibility
from grader.runner import autograd_programs
from grader.validate import validate

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus_micrograd"
CORRECT = sorted((CORPUS / "correct").glob("*.py"))

# buggy file -> (the test that must fail, the mistake id it must carry); every other test passes
# or waits (skipped) for the one that failed.
BUGGY = {
    "grad_overwritten": ("backward", "micrograd_grad_overwritten"),
    "no_topo_preorder": ("backward", "micrograd_no_topological_order"),
    "no_topo_bfs": ("backward", "micrograd_no_topological_order"),
    "not_seeded": ("backward", "micrograd_grad_not_seeded"),
    "missing_rmul": ("forward", "micrograd_missing_reflected_operator"),
    "constant_operand": ("forward", "micrograd_constant_operand"),
    "pow_derivative": ("backward", "micrograd_pow_derivative"),
    "tanh_derivative": ("backward", "micrograd_tanh_derivative"),
    "deep_recursion": ("deep chain", "micrograd_deep_recursion"),
    "zero_grad_incomplete": ("training step", "micrograd_zero_grad_incomplete"),
    "exp_derivative": ("backward", "micrograd_local_derivative"),
    "relu_abs": ("forward", "micrograd_forward_wrong"),
    "exp_returns_float": ("forward", "micrograd_not_a_value"),
    # its failing probe (a - b, built as a + (-b)) is no derivative's fault: trees of right ops fail too
    "topo_not_reversed": ("backward", "micrograd_backward_wrong"),
}


@cache
def graded(path: Path, seed: int = 3):
    """`path` graded as micrograd.py (its corpus name cannot leak into a hint)."""
    folder = Path(__import__("tempfile").mkdtemp(prefix="micrograd-corpus-"))
    try:
        submission = folder / "micrograd.py"
        shutil.copyfile(path, submission)
        return grade(submission, assignment="micrograd", seed=seed, course=ROOT)
    finally:
        shutil.rmtree(folder)


def test_every_buggy_file_is_described():
    assert {p.stem for p in (CORPUS / "buggy").glob("*.py")} == set(BUGGY)
    assert {mistake for _, mistake in BUGGY.values()} <= set(MISTAKES)


@pytest.mark.parametrize("path", CORRECT, ids=lambda p: p.stem)
@pytest.mark.parametrize("seed", [3, 11])
def test_a_correct_engine_in_any_style_gets_full_marks(path, seed):
    report = graded(path, seed)
    assert report.score == report.max_score == 17, [(t.check, t.visibility, t.output) for t in report.tests
                                                   if t.status is not Status.PASSED]


def _expression(test) -> str:
    """The smallest expression the output shows, as the Python lines a student pastes."""
    lines = test.output.split("The smallest expression your engine gets wrong:\n", 1)[1].splitlines()
    code = []
    for line in lines:
        if line.startswith("    #"):
            break
        code.append(line[4:])
    return "\n".join(code)


@pytest.mark.parametrize("name", sorted(BUGGY))
def test_a_single_bug_is_caught_named_and_shown_on_a_small_expression(name):
    path = CORPUS / "buggy" / f"{name}.py"
    check, mistake = BUGGY[name]
    report = graded(path)
    failed = [t for t in report.tests if t.status not in (Status.PASSED, Status.SKIPPED)]
    assert failed and {t.check for t in failed} == {check}, [(t.check, t.status, t.output) for t in failed]
    assert {t.mistake for t in failed} == {mistake}
    public = next(t for t in failed if t.visibility is Visibility.VISIBLE)
    if check in ("forward", "backward"):
        code = _expression(public)
        statements = ast.parse(code).body
        assert len(statements) <= 8, code                  # shrunk: a few lines, not the whole program
        assert "Try it: " + "; ".join(code.splitlines()) in public.hint
        if check == "backward" and mistake != "micrograd_grad_not_seeded":
            assert len(statements) <= 7, code                  # cut down from programs of up to 20 lines
        # the expression really goes wrong with the student's engine (run here: it is our corpus)
        module = types.ModuleType("student")
        exec(compile(path.read_text(), str(path), "exec"), module.__dict__)
        reference = types.ModuleType("reference")
        exec(compile((ROOT / "reference/micrograd/micrograd.py").read_text(), "ref", "exec"), reference.__dict__)
        assert _outcome(code, module) != _outcome(code, reference)


def _outcome(code: str, module) -> object:
    namespace = {"Value": module.Value}
    try:
        exec(code, namespace)
    except Exception as error:   # noqa: BLE001
        return type(error).__name__
    return [(round(float(v.data), 9), round(float(v.grad), 9)) for k, v in sorted(namespace.items())
            if isinstance(v, module.Value)]


def test_the_hidden_part_shows_no_hidden_values():
    report = graded(CORPUS / "buggy" / "no_topo_bfs.py")
    hidden = next(t for t in report.tests if t.check == "backward" and t.visibility is Visibility.HIDDEN)
    assert hidden.status is Status.FAILED
    # either a fresh expression (fixed seeds, not the submission's) that fails too, or "..." for values
    assert "Value(...)" in hidden.output or "Try it:" in hidden.hint


def test_the_stub_scores_zero_and_says_to_finish_the_todos():
    report = grade(ROOT / "exercises" / "micrograd" / "micrograd.py", assignment="micrograd", seed=1, course=ROOT)
    assert report.score == 0
    forward = report.tests[0]
    assert forward.status is Status.MISSING and forward.mistake == "not_implemented"


def test_validate_is_clean():
    result = validate("micrograd", Course(ROOT), seeds=1, sandboxed=False)
    assert result.ok, result.problems
    assert {row.mistake for row in result.mistakes} >= {
        "micrograd_grad_overwritten", "micrograd_no_topological_order", "micrograd_grad_not_seeded",
        "micrograd_missing_reflected_operator", "micrograd_pow_derivative", "micrograd_tanh_derivative",
        "micrograd_deep_recursion", "micrograd_zero_grad_incomplete"}


def test_a_recursive_engine_fails_the_deep_chain_whatever_recursion_limit_the_process_has(tmp_path):
    # In-process (validate's mutants, --in-process) the student's class runs in a process whose
    # limit anything may have raised: every program runs under Python's default all the same.
    import sys
    saved = sys.getrecursionlimit()
    sys.setrecursionlimit(50_000)
    try:
        submission = tmp_path / "micrograd.py"
        shutil.copyfile(CORPUS / "buggy" / "deep_recursion.py", submission)
        report = grade(submission, assignment="micrograd", course=ROOT, in_process=True, public_only=True)
        assert sys.getrecursionlimit() == 50_000
    finally:
        sys.setrecursionlimit(saved)
    deep = next(t for t in report.tests if t.check == "deep chain")
    assert deep.status is Status.FAILED and deep.mistake == "micrograd_deep_recursion"


def test_validate_says_when_a_mutant_no_longer_applies(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(ROOT / "exercises", course / "exercises")
    shutil.copytree(ROOT / "reference", course / "reference")
    shutil.copy(ROOT / "pyproject.toml", course / "pyproject.toml")
    reference = course / "reference" / "micrograd" / "micrograd.py"
    reference.write_text(reference.read_text().replace("(1 - t ** 2) * out.grad", "(1 - t * t) * out.grad"))
    result = validate("micrograd", Course(course), seeds=1, sandboxed=False)
    assert any("micrograd_tanh_derivative" in problem and "not once" in problem for problem in result.problems)


def test_a_release_grades_the_public_programs_from_recorded_answers(tmp_path):
    release = tmp_path / "release"
    build_release("micrograd", release, course=Course(ROOT))
    assert not (release / "reference").exists()
    right = tmp_path / "right" / "micrograd.py"
    right.parent.mkdir()
    shutil.copy(CORRECT[0], right)
    report = grade(right, course=release, in_process=True)
    assert report.score == report.max_score > 0
    assert {t.visibility for t in report.tests} == {Visibility.VISIBLE}
    wrong = tmp_path / "wrong" / "micrograd.py"
    wrong.parent.mkdir()
    shutil.copy(CORPUS / "buggy" / "tanh_derivative.py", wrong)
    report = grade(wrong, course=release, in_process=True)
    backward = next(t for t in report.tests if t.check == "backward")
    assert backward.mistake == "micrograd_tanh_derivative"


# --- programs ----------------------------------------------------------------------------------

def test_programs_come_from_the_seed_and_have_the_shapes_engines_get_wrong():
    first = [P.random_program(np.random.default_rng(5), 12) for _ in range(1)]
    again = [P.random_program(np.random.default_rng(5), 12) for _ in range(1)]
    assert first == again
    rng = np.random.default_rng(1)
    shapes = P.templates(rng)
    assert all(p.reuses_an_interior_node() for p in shapes)
    assert "c = a * b\nd = c + 1\ne = c + d" in P.render(shapes[0])       # c += c + 1
    for program in [P.random_program(rng, 12) for _ in range(20)]:
        assert program.reached() == set(range(program.nodes))          # every node has a gradient
        assert program.values() is not None
    assert P.deep_chain(1500).size == 1500


def test_reductions_are_smaller_valid_programs():
    program = P.random_program(np.random.default_rng(2), 10)
    smaller = P.reductions(program)
    assert smaller and all(0 < p.size < program.size and p.values() is not None for p in smaller)
    assert [p.size for p in smaller] == sorted(p.size for p in smaller)


# --- the interpreter's strict numbers --------------------------------------------------------

class _Liar(float):
    def __eq__(self, other):
        return True

    def __float__(self):
        return 1.0


@pytest.mark.parametrize("value, kind", [
    (1.5, autograd_programs.NUMBER), (2, autograd_programs.NUMBER), (np.float64(0.5), autograd_programs.NUMBER),
    (_Liar(3.0), autograd_programs.NOT_A_NUMBER), (True, autograd_programs.NOT_A_NUMBER),
    ("1.0", autograd_programs.NOT_A_NUMBER), (10 ** 400, autograd_programs.NOT_A_NUMBER),
    (np.array([1.0]), autograd_programs.NOT_A_NUMBER),
])
def test_only_plain_numbers_are_read(value, kind):
    assert autograd_programs.number(value)[1] == kind


def test_a_node_that_is_itself_a_number_is_told_apart_from_one_whose_data_is_not():
    # an operation that returned math.exp(self.data): the node has no .data at all
    class Node:
        data = 2.0
    values, kinds = autograd_programs.read([Node(), 7.5, np.float64(1.0), object()], "data")
    assert list(kinds) == [autograd_programs.NUMBER, autograd_programs.BARE_NUMBER, autograd_programs.BARE_NUMBER,
                           autograd_programs.UNREADABLE]
    assert values[0] == 2.0 and np.isnan(values[1])


def test_the_lessons_check_cells_grade_the_engine_in_place():
    from grader import notebook
    reference = (ROOT / "reference" / "micrograd" / "micrograd.py").read_text()
    value = notebook.check("Value", source=[reference, 'from grader import notebook\nnotebook.check("Value");'])
    assert "Value" in value.functions() and value.score == value.max_score > 0
    buggy = (CORPUS / "buggy" / "zero_grad_incomplete.py").read_text()
    network = notebook.check("MLP", source=[buggy])
    assert [t.mistake for t in network.tests if t.function == "MLP"] == ["micrograd_zero_grad_incomplete"]


def test_a_forged_reply_is_not_read_as_numbers():
    from grader.micrograd.judge import numbers_of
    good = {"stage": 0, "built": 2, "data": np.zeros(2), "grad": np.zeros(2),
            "data_kind": np.zeros(2, np.int8), "grad_kind": np.zeros(2, np.int8)}
    assert numbers_of(good, None, 2) is not None
    for forged in ({**good, "data": np.zeros(3)}, {**good, "grad": np.zeros(2, np.float32)},
                   {**good, "built": 5}, {**good, "stage": "0"}, {**good, "data_kind": np.zeros((2, 1), np.int8)},
                   [good], None):
        assert numbers_of(forged, None, 2) is None


def test_uneven_paths_are_where_any_walk_order_goes_wrong():
    a, b = 0.5, -1.0
    even = P.Program((a, b), (P.Op("mul", 0, 1), P.Op("add_const", 2, k=1.0), P.Op("add", 2, 3)), 4)
    uneven = P.Program((a, b), (P.Op("mul", 0, 1), P.Op("tanh", 2), P.Op("exp", 3), P.Op("mul", 4, 2)), 5)
    assert even.reuses_an_interior_node() and not even.has_uneven_paths()
    assert uneven.has_uneven_paths()


def test_a_hidden_network_failure_shows_no_hidden_loss(tmp_path):
    path = tmp_path / "micrograd.py"
    source = (CORPUS / "correct" / "iterative_topo.py").read_text()
    path.write_text(source.replace("        return act.relu() if self.nonlin else act",
                                   "        return act.tanh() if self.nonlin else act"))
    report = grade(path, assignment="micrograd", seed=5, course=ROOT)
    network = {t.visibility: t for t in report.tests if t.function == "MLP"}
    assert {t.mistake for t in network.values()} == {"micrograd_network_forward_wrong"}
    assert "expected" in network[Visibility.VISIBLE].output
    assert network[Visibility.HIDDEN].output.endswith("is wrong") and "expected" not in network[Visibility.HIDDEN].output


def test_a_value_made_unhashable_by_its_eq_is_told_why_its_sets_fail(tmp_path):
    # __eq__ comparing data (to test `a == b`) sets __hash__ to None: the topological sort's set of
    # visited Values raises TypeError
    source = (CORPUS / "correct" / "iterative_topo.py").read_text()
    assert "class Value" in source and "__eq__" not in source
    source = source.replace("class Value:\n", "class Value:\n    def __eq__(self, other):\n"
                            "        return isinstance(other, Value) and self.data == other.data\n\n", 1)
    report = graded_source(tmp_path, source)
    failed = next(t for t in report.tests if t.status is Status.FAILED and t.visibility is Visibility.VISIBLE)
    assert failed.check == "backward" and failed.mistake == "exception" and "TypeError" in failed.output
    assert failed.hint.startswith("Value defines __eq__ but not __hash__")
    fixed = graded_source(tmp_path, source.replace("class Value:\n", "class Value:\n    __hash__ = object.__hash__\n", 1))
    assert fixed.score == fixed.max_score


def graded_source(folder: Path, source: str):
    submission = folder / "micrograd.py"
    submission.write_text(source)
    return grade(submission, assignment="micrograd", seed=3, course=ROOT)
