"""The svm assignment (CS231n assignment 1, cs231n/layers.py): the multiclass SVM loss on class scores,
svm_loss(x, y) -> (loss, dx), as layers.py has it. This half ships in a release; the hidden shapes and
the known mistakes are in reference/svm/hidden.py."""
from __future__ import annotations

import re

import numpy as np

from grader.declare import Exercise, failing_line
from grader.diagnosis.slips import CHOOSE_HINT


def _svm_inputs(rng: np.random.Generator, config: dict):
    """Scores x (N, C) and labels y: every margin x[j] - x[y] + 1 at least 0.05 away from 0, so no
    numerical gradient straddles the hinge's kink."""
    n, c = config["N"], config["C"]
    y = rng.integers(0, c, size=n)
    x = rng.normal(size=(n, c))
    rows = np.arange(n)
    margins = x - x[rows, y][:, None] + 1.0
    close = np.abs(margins) < 0.05
    close[rows, y] = False
    x = x + close * np.where(margins >= 0, 0.1, -0.1)
    if config.get("ties"):
        # a wrong class whose score equals the correct one (margin exactly 1, far from the kink at 0) in every
        # other row: code that finds the correct class by its margin of 1 drops that class too
        for i in range(0, n, 2):
            j = (y[i] + 1) % c
            x[i, j] = x[i, y[i]]
    return {"x": x}, (y,)


SVM_COUNT_AXIS_ID = "svm_dx_count_wrong_axis"
SVM_COUNT_AXIS_HINT = ("Count the positive margins of each example, along its row: np.sum(margins > 0, axis=1) "
                       "(shape (N,)), then dx[np.arange(N), y] = -count. axis=0 counts per class (shape (C,)).")


SVM_COLUMN_ID = "svm_correct_scores_not_column"
SVM_COLUMN_HINT = ("Each example's correct score must meet its own row: take it as a column, "
                   "x[np.arange(N), y][:, None] (shape (N, 1)); a (N,) array lines up with the C columns instead.")
SVM_ONEHOT_ID = "svm_onehot_width"


def _shapes(message: str) -> list[tuple[int, ...]]:
    """The shapes numpy names in a broadcasting message, "(5,4)" and "(5,)" alike."""
    return [tuple(int(n) for n in inside.split(",") if n.strip()) for inside in re.findall(r"\(([\d, ]*)\)", message)]


def _counts_down_columns(trace: str) -> bool:
    """Whether the student's line that raised stores a sum over axis 0 into the correct classes' entries
    (dx[rows, y] = -np.sum(margins > 0, axis=0)): the line is read from the grader's copy of the file."""
    return re.search(r"\by\s*\]\s*[-+]?=.*\bsum\(.*axis\s*=\s*0", failing_line(trace)) is not None


def _svm_error(error, function, case):
    """A label used as a row index (x[y]): IndexError past the batch. A per-example count of shape (C,)
    (summed over axis 0) stored where (N,) is needed, the correct scores kept as an (N,) row against the
    (N, C) scores, a one-hot of y.max() + 1 columns: numpy names the shapes. Only where the message shows
    them (a hidden case's message is withheld)."""
    message = error.get("message", "")
    if case is not None and error.get("type") == "IndexError" and \
            f"out of bounds for axis 0 with size {case.arrays['x'].shape[0]}" in message:
        return ("A label is used as a row index (x[y] picks whole rows): each example's correct score is "
                "x[np.arange(N), y]."), "svm_correct_score_indexing"
    if case is not None and error.get("type") == "ValueError" and not message and case.arrays["x"].shape[1] >= 64 \
            and re.search(r"\.choose\(", error.get("traceback") or ""):
        return CHOOSE_HINT, "np_choose_limit"          # a hidden case: 64 classes or more, and the line calls np.choose
    if error.get("type") == "ValueError" and not message and _counts_down_columns(error.get("traceback") or ""):
        return SVM_COUNT_AXIS_HINT, SVM_COUNT_AXIS_ID        # a hidden case: the line that raised says it
    if error.get("type") != "ValueError" or case is None or "broadcast" not in message:
        return None
    n, c = case.arrays["x"].shape
    shapes = set(_shapes(message))
    if n != c and (c,) in shapes and (n,) in shapes and (n, c) not in shapes:
        return SVM_COUNT_AXIS_HINT, SVM_COUNT_AXIS_ID
    if n != c and (n,) in shapes and (n, c) in shapes:
        return SVM_COLUMN_HINT, SVM_COLUMN_ID
    width = int(np.max(case.extras[0])) + 1
    if width < c and (n, width) in shapes and (n, c) in shapes:
        return (f"The one-hot of y needs C = x.shape[1] = {c} columns even when the largest classes are absent from "
                f"y: np.eye(C)[y], not np.eye(y.max() + 1)[y] ({width} columns here)."), SVM_ONEHOT_ID
    return None


EXERCISES = [
    Exercise("svm", "svm_loss", None, ("x",), _svm_inputs, extras=("y",), batched=True, error_hint=_svm_error,
             mistake_ids={SVM_COUNT_AXIS_ID: "svm_loss counts the positive margins per class (axis=0) instead of "
                                             "per example (axis=1)",
                          SVM_COLUMN_ID: "svm_loss subtracts the correct scores as an (N,) row instead of an (N, 1) "
                                         "column",
                          SVM_ONEHOT_ID: "svm_loss builds the one-hot of y with y.max() + 1 columns instead of C"}),
]
