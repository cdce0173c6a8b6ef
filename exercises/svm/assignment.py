"""The svm assignment (CS231n assignment 1, cs231n/layers.py): the multiclass SVM loss on class scores,
svm_loss(x, y) -> (loss, dx), as layers.py has it. This half ships in a release; the hidden shapes and
the known mistakes are in reference/svm/hidden.py."""
from __future__ import annotations

import numpy as np

from grader.declare import Exercise


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
    return {"x": x}, (y,)


SVM_COUNT_AXIS_ID = "svm_dx_count_wrong_axis"
SVM_COUNT_AXIS_HINT = ("Count the positive margins of each example, along its row: np.sum(margins > 0, axis=1) "
                       "(shape (N,)), then dx[np.arange(N), y] = -count. axis=0 counts per class (shape (C,)).")


def _svm_error(error, function, case):
    """A label used as a row index (x[y]): IndexError past the batch. dx[rows, y] = a count of shape (C,) (summed over axis 0) where (N,) is needed: numpy names both
    shapes. Only where the message shows it (a hidden case's message is withheld)."""
    message = error.get("message", "")
    if case is not None and error.get("type") == "IndexError" and \
            f"out of bounds for axis 0 with size {case.arrays['x'].shape[0]}" in message:
        return ("A label is used as a row index (x[y] picks whole rows): each example's correct score is "
                "x[np.arange(N), y]."), "svm_correct_score_indexing"
    if error.get("type") != "ValueError" or case is None or "could not be broadcast to indexing result" not in message:
        return None
    n, c = case.arrays["x"].shape
    if f"({c},)" in message and f"({n},)" in message:
        return SVM_COUNT_AXIS_HINT, SVM_COUNT_AXIS_ID
    return None


EXERCISES = [
    Exercise("svm", "svm_loss", None, ("x",), _svm_inputs, extras=("y",), batched=True, error_hint=_svm_error,
             mistake_ids={SVM_COUNT_AXIS_ID: "svm_loss counts the positive margins per class (axis=0) instead of "
                                             "per example (axis=1)"}),
]
