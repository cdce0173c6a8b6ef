"""Readings of layers2's exceptions that name a mistake from the student's own line (conv windows
sliced square, max pooling's dx indexed by the window's size), each only where the line shows it;
and rnn_layers' stability on saturating pre-activations: a tanh or sigmoid written with exp that
overflows to NaN is named, one whose overflow stays finite (1 / (1 + exp(-z))) keeps full marks; svm's
correct scores taken by a matrix product of the labels, and its one-hot built over the labels present."""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np

from grader.cases import public_cases
from grader.course import find_course
from grader.engine import grade
from grader.exercises import catalogue
from grader.oracle import oracle_for

ROOT = Path(__file__).resolve().parents[2]
COURSE = find_course(ROOT)
EXERCISES = {e.name: e for e in catalogue(ROOT).exercises()}
CORRECT_RNN = ROOT / "tests" / "corpus_cs231n" / "correct" / "rnn_layers_loops.py"


def _case(name: str, **extras_or_arrays):
    exercise = EXERCISES[name]
    case = public_cases(exercise, oracle_for([exercise.assignment], COURSE), COURSE.exercises_dir).main[0]
    arrays = {k: v for k, v in extras_or_arrays.items() if k in case.arrays}
    return dataclasses.replace(case, arrays={**case.arrays, **arrays}), exercise


def _error(kind: str, line: str, function: str, message: str = "") -> dict:
    trace = f'Traceback (most recent call last):\n  File "layers.py", line 9, in {function}\n    {line}\n'
    return {"type": kind, "message": message, "traceback": trace}


def _read(exercise, error, function, case):
    found = exercise.error_hint(error, function, case)
    return found[1] if found else None


def test_a_window_sliced_square_is_named_only_for_a_kernel_that_is_not():
    line = "out[n, f, a, c_] = np.sum(xpad[n, :, r:r + k, c:c + k] * w[f]) + b[f]"
    wide, exercise = _case("conv", w=np.ones((2, 3, 2, 3)))
    square, _ = _case("conv", w=np.ones((2, 3, 3, 3)))
    error = _error("ValueError", line, "conv_forward_naive")
    assert _read(exercise, error, "conv_forward_naive", wide) == "conv_square_kernel_assumed"
    assert _read(exercise, error, "conv_forward_naive", square) is None
    # the same name added to plain indices (not slice ends) is no window
    padded = _error("ValueError", "x_pad[n, c, i + pad, j + pad] = x[n, c, i, j]", "conv_forward_naive")
    assert _read(exercise, padded, "conv_forward_naive", wide) != "conv_square_kernel_assumed"


def test_dx_indexed_by_the_window_size_is_named_only_where_the_stride_differs():
    line = "dx[i, j, k * pool_height + row, n * pool_width + col] += dout[i, j, k, n]"
    error = _error("IndexError", line, "max_pool_backward_naive", "index 5 is out of bounds for axis 3 with size 4")
    case, exercise = _case("max_pool")
    overlapping = dataclasses.replace(case, extras=({"pool_height": 2, "pool_width": 2, "stride": 1},))
    tiled = dataclasses.replace(case, extras=({"pool_height": 2, "pool_width": 2, "stride": 2},))
    assert _read(exercise, error, "max_pool_backward_naive", overlapping) == "pool_backward_moved_by_window_size"
    assert _read(exercise, error, "max_pool_backward_naive", tiled) is None
    by_stride = _error("IndexError", "dx[i, j, k * stride + row, n * stride + col] += dout[i, j, k, n]",
                       "max_pool_backward_naive")
    assert _read(exercise, by_stride, "max_pool_backward_naive", overlapping) is None


def _svm_case(n: int, c: int, y):
    case, exercise = _case("svm", x=np.zeros((n, c)))
    return dataclasses.replace(case, extras=(np.asarray(y),)), exercise


def test_labels_multiplied_into_the_scores_are_named_from_the_line_and_the_inner_sizes():
    case, exercise = _svm_case(5, 4, [0, 1, 2, 3, 1])
    line = "correct = np.matmul(np.transpose([y]), x)"
    matmul = ("matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature "
              "(n?,k),(k,m?)->(n?,m?) (size 5 is different from 1)")
    assert _read(exercise, _error("ValueError", line, "svm_loss", matmul), "svm_loss", case) == \
        "svm_correct_scores_labels_matmul"
    dot = "shapes (5,1) and (5,4) not aligned: 1 (dim 1) != 5 (dim 0)"
    assert _read(exercise, _error("ValueError", "correct = y[:, None].dot(x)", "svm_loss", dot), "svm_loss", case) \
        == "svm_correct_scores_labels_matmul"
    # a hidden case withholds the message: the line and N > 1 say it
    assert _read(exercise, _error("ValueError", line, "svm_loss"), "svm_loss", case) == \
        "svm_correct_scores_labels_matmul"
    one, _ = _svm_case(1, 4, [2])
    assert _read(exercise, _error("ValueError", line, "svm_loss"), "svm_loss", one) is None
    # a product of the scores with a one-hot of the labels is not the labels multiplied in
    onehot = _error("ValueError", "correct = np.dot(x, np.eye(3)[y].T)", "svm_loss",
                    "shapes (5,4) and (3,5) not aligned: 4 (dim 1) != 3 (dim 0)")
    assert _read(exercise, onehot, "svm_loss", case) != "svm_correct_scores_labels_matmul"
    # the same line raising with other sizes in its message: not this product's mismatch
    other = _error("ValueError", line, "svm_loss", matmul.replace("size 5", "size 7"))
    assert _read(exercise, other, "svm_loss", case) != "svm_correct_scores_labels_matmul"


def test_a_one_hot_over_the_labels_present_is_told_from_one_of_max_label_columns():
    line = "dx = D1 - onehot * ind[:, None]"
    message = "operands could not be broadcast together with shapes (5,4) (5,2)"
    error = _error("ValueError", line, "svm_loss", message)
    # two distinct labels, the largest 3: two columns are the labels present, not y.max() + 1
    present, exercise = _svm_case(5, 4, [1, 3, 3, 1, 1])
    assert _read(exercise, error, "svm_loss", present) == "svm_classes_from_present_labels"
    # labels 0 and 1: np.unique(y) and np.eye(y.max() + 1) both have two columns; the line must say which
    both, _ = _svm_case(5, 4, [0, 1, 1, 0, 1])
    assert _read(exercise, error, "svm_loss", both) == "svm_onehot_width"
    said = _error("ValueError", "dx = D1 - (y[:, None] == np.unique(y)) * ind[:, None]", "svm_loss", message)
    assert _read(exercise, said, "svm_loss", both) == "svm_classes_from_present_labels"
    # three distinct labels: a width of 2 is neither
    neither, _ = _svm_case(5, 4, [0, 1, 3, 0, 1])
    assert _read(exercise, error, "svm_loss", neither) not in ("svm_classes_from_present_labels", "svm_onehot_width")


def _with_sigmoid(body: str, tmp_path: Path) -> Path:
    """The correct rnn_layers corpus file with its sigmoid replaced by `body` (an expression in x)."""
    source = CORRECT_RNN.read_text()
    start, end = source.index("def sigmoid(x):"), source.index("def rnn_step_forward")
    path = tmp_path / "rnn_layers.py"
    path.write_text(source[:start] + f"def sigmoid(x):\n    return {body}\n\n\n" + source[end:])
    return path


def test_an_overflow_that_stays_finite_keeps_full_marks(tmp_path):
    report = grade(_with_sigmoid("1.0 / (1.0 + np.exp(-x))", tmp_path), assignment="rnn_layers", seed=16)
    assert report.tests and report.score == report.max_score, \
        [(t.function, t.check, t.mistake) for t in report.tests if t.status != "passed"]


def test_a_sigmoid_that_overflows_to_nan_is_named(tmp_path):
    report = grade(_with_sigmoid("np.exp(x) / (1.0 + np.exp(x))", tmp_path), assignment="rnn_layers", seed=16)
    failing = {(t.function, t.check): t.mistake for t in report.tests if t.status != "passed"}
    assert failing[("lstm_step_forward", "stability")] == "lstm_activation_overflow"
    assert not any(function.startswith("rnn_") for function, _ in failing)


def test_tanh_written_with_exp_is_named(tmp_path):
    source = CORRECT_RNN.read_text().replace(
        "next_h = np.tanh(x.dot(Wx) + prev_h.dot(Wh) + b)",
        "z = x.dot(Wx) + prev_h.dot(Wh) + b\n    next_h = (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))")
    assert "np.exp(-z)" in source
    path = tmp_path / "rnn_layers.py"
    path.write_text(source)
    report = grade(path, assignment="rnn_layers", seed=16)
    failing = {(t.function, t.check): t.mistake for t in report.tests if t.status != "passed"}
    assert failing[("rnn_step_forward", "stability")] == "tanh_overflow"
    assert not any(function.startswith("lstm") for function, _ in failing)


def test_every_check_a_raising_svm_stops_reads_the_exception_with_its_case(mutant):
    # The "no input mutation" check used to read the exception without its case, and so gave the
    # generic hint where the forward check named the mistake (round 24, g2).
    path = mutant("svm", "x[rows, y][:, None]", "np.matmul(np.transpose([y]), x)")
    report = grade(path, assignment="svm", public_only=True)
    raised = [t for t in report.tests if t.function == "svm_loss" and t.status == "error"]
    assert {t.check for t in raised} >= {"loss", "no input mutation"}
    assert {t.mistake for t in raised} == {"svm_correct_scores_labels_matmul"}
