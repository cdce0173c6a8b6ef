"""Declarations beyond a forward and a backward of one output: a layer with two outputs and two
upstream gradients (an LSTM step), and integer inputs before the differentiable one (a word
embedding), as a course declares them (tests/grader/courses/sequences)."""
from __future__ import annotations

from pathlib import Path

from grader.course import Course
from grader.engine import grade
from grader.validate import validate

COURSE = Course(Path(__file__).resolve().parent / "courses" / "sequences")
REFERENCE = COURSE.reference_dir / "sequences" / "sequences.py"


def test_the_sequences_declarations_are_valid():
    result = validate("sequences", COURSE, seeds=2, sandboxed=False)
    assert result.ok, result.problems
    assert {(row.mistake, row.of) for row in result.mistakes} == {
        ("lstm_gates_order", "next_h"), ("lstm_cell_path_missing", "dprev_c"), ("embedding_assigned_not_added", "dW")}


def _student(tmp_path, *patches) -> Path:
    source = REFERENCE.read_text()
    for old, new in zip(patches[::2], patches[1::2]):
        assert source.count(old) == 1
        source = source.replace(old, new)
    path = tmp_path / "sequences.py"
    path.write_text(source)
    return path


def test_a_correct_lstm_step_and_embedding_get_full_marks_with_hidden_checks(tmp_path):
    report = grade(_student(tmp_path), assignment="sequences", course=COURSE, seed=3)
    assert report.score == report.max_score > 0
    assert {t.function for t in report.tests if t.visibility == "hidden"} >= {"lstm_step_backward",
                                                                             "word_embedding_backward"}


def test_a_backward_that_adds_into_dnext_c_in_place_is_named(tmp_path):
    report = grade(_student(tmp_path, "    dc = dnext_c + dnext_h * o * (1 - tanh_c ** 2)\n",
                            "    dnext_c += dnext_h * o * (1 - tanh_c ** 2)\n    dc = dnext_c\n"),
                   assignment="sequences", course=COURSE, seed=3)
    [flag] = [t for t in report.tests if t.function == "lstm_step_backward" and t.status == "failed"]
    assert flag.check == "no dout mutation" and flag.mistake == "dout_mutated"
    assert "modified dnext_c in place" in flag.output


def test_assigning_instead_of_accumulating_repeated_words_is_named(tmp_path):
    report = grade(_student(tmp_path, "    np.add.at(dW, x, dout)\n", "    dW[x] = dout\n"),
                   assignment="sequences", course=COURSE, seed=3)
    failed = [t for t in report.tests if t.function == "word_embedding_backward" and t.status == "failed"]
    assert failed and {t.mistake for t in failed} == {"embedding_assigned_not_added"}
    assert {t.visibility for t in failed} == {"visible", "hidden"}
