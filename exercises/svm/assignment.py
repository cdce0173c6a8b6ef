"""The svm assignment (CS231n assignment 1, cs231n/layers.py): the multiclass SVM loss on class scores,
svm_loss(x, y) -> (loss, dx), as layers.py has it. This half ships in a release; the hidden shapes and
the known mistakes are in reference/svm/hidden.py."""
from __future__ import annotations

import re

import numpy as np

from grader.declare import PASS, Convention, Exercise, Finding, Status, choose_limit, failing_line


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
SVM_PRESENT_LABELS_ID = "svm_classes_from_present_labels"
SVM_LABELS_MATMUL_ID = "svm_correct_scores_labels_matmul"
SVM_LABELS_MATMUL_HINT = ("This line multiplies the labels into the scores as a matrix product: an (N, 1) column of "
                          "labels times the (N, C) scores, whose inner sizes 1 and N do not line up (and for N = 1 it "
                          "scales the whole row by the label). A product does not pick entries: each example's "
                          "correct score is x[np.arange(N), y], taken as a column, x[np.arange(N), y][:, None].")

# the labels made an (N, 1) column: np.transpose([y]), np.array([y]).T, y[:, None], y[:, np.newaxis], y.reshape(-1, 1)
_LABELS_COLUMN = (r"(?:np\.transpose\(\s*\[\s*y\s*\]\s*\)|(?:np\.(?:as)?array\(\s*)?\[\s*y\s*\]\s*\)?\s*\.T\b"
                  r"|(?<![\w.])y\s*\[\s*:\s*,\s*(?:None|np\.newaxis)\s*\]|(?<![\w.])y\.reshape\(\s*[-\w]+\s*,\s*1\s*\))")
# ... as the left factor of a matrix product
_LABELS_MATMUL = re.compile(rf"np\.(?:matmul|dot)\(\s*{_LABELS_COLUMN}\s*,|{_LABELS_COLUMN}\s*(?:@|\.dot\()")


def _shapes(message: str) -> list[tuple[int, ...]]:
    """The shapes numpy names in a broadcasting message, "(5,4)" and "(5,)" alike."""
    return [tuple(int(n) for n in inside.split(",") if n.strip()) for inside in re.findall(r"\(([\d, ]*)\)", message)]


def _counts_down_columns(trace: str) -> bool:
    """Whether the student's line that raised stores a sum over axis 0 into the correct classes' entries
    (dx[rows, y] = -np.sum(margins > 0, axis=0)): the line is read from the grader's copy of the file."""
    return re.search(r"\by\s*\]\s*[-+]?=.*\bsum\(.*axis\s*=\s*0", failing_line(trace)) is not None


def _labels_multiplied_in(error, case) -> bool:
    """Whether the student's line that raised multiplies the labels, made an (N, 1) column, into the scores
    (np.matmul(np.transpose([y]), x)): the line shows the product, and the message its inner sizes 1 and
    N (numpy's matmul or dot wording); a hidden case's message is withheld, then the line and N > 1 (the
    sizes cannot line up) say it."""
    if error.get("type") != "ValueError" or case is None or not _LABELS_MATMUL.search(failing_line(
            error.get("traceback") or "").split("#")[0]):
        return False
    n = case.arrays["x"].shape[0]
    message = error.get("message", "")
    if not message:
        return n > 1
    return (f"size {n} is different from 1" in message
            or re.search(rf"\(\s*{n}\s*,\s*1\s*\)\s*and\s*\(\s*{n}\s*,\s*\d+\s*\)\s*not aligned", message) is not None)


def _present_labels_width(message: str, trace: str, case) -> int | None:
    """The number of distinct labels in the batch when a broadcast of the (N, C) scores met an (N, K) array
    with K of them (K < C): a one-hot built over np.unique(y). None when the shapes do not show it, or
    when K is also y.max() + 1 (a one-hot of y.max() + 1 columns has that width too) and the student's
    line does not call np.unique."""
    n, c = case.arrays["x"].shape
    y = np.asarray(case.extras[0])
    present = len(np.unique(y))
    shapes = set(_shapes(message))
    if not (n != c and present < c and (n, present) in shapes and (n, c) in shapes):
        return None
    if present == int(np.max(y)) + 1 and "unique" not in failing_line(trace):
        return None
    return present


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
    if _labels_multiplied_in(error, case):
        return SVM_LABELS_MATMUL_HINT, SVM_LABELS_MATMUL_ID
    chosen = choose_limit(error, case.arrays["x"].shape[1]) if case is not None else None
    if chosen:
        return chosen
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
    present = _present_labels_width(message, error.get("traceback") or "", case)
    if present is not None:
        return (f"The correct class's one-hot needs one column per class, C = x.shape[1] = {c}, whether or not "
                f"the class occurs in the batch: np.eye(C)[y] (or dx[np.arange(N), y] -= count). Built over the "
                f"labels present (np.unique(y)) it has {present} columns here, and its columns are not the "
                f"classes 0 .. C - 1 once one is missing."), SVM_PRESENT_LABELS_ID
    width = int(np.max(case.extras[0])) + 1
    if width < c and (n, width) in shapes and (n, c) in shapes:
        return (f"The one-hot of y needs C = x.shape[1] = {c} columns even when the largest classes are absent from "
                f"y: np.eye(C)[y], not np.eye(y.max() + 1)[y] ({width} columns here)."), SVM_ONEHOT_ID
    return None


def _plant_zero_margins(case) -> dict[str, np.ndarray]:
    """Margins of exactly 0 (x[j] == x[y] - 1) in every row but the last (of two or more): the scores
    rounded to sixteenths, so that x[j] - x[y] + 1 is exact in any order of the sum, then one wrong
    class set to the correct score minus 1 and, where there is a third class, another to the correct
    score plus 1/2 (a positive margin beside the zero one). The last row, without one, shows a correct
    class's entry wrong whatever the kinks' share (a count one too large), which a row with a zero margin
    cannot tell from a share of its step."""
    x, y = case.arrays["x"], case.extras[0]
    n, c = x.shape
    planted = np.round(x * 16.0) / 16.0
    for i in range(n):
        if i == n - 1 > 0:
            planted[i, (y[i] + 1) % c] = planted[i, y[i]] - 1.5        # a negative margin where the others have 0
        else:
            planted[i, (y[i] + 1) % c] = planted[i, y[i]] - 1.0
        if c > 2:
            planted[i, (y[i] + 2) % c] = planted[i, y[i]] + 0.5
    return {"x": planted}


SVM_ZERO_MARGIN_ID = "svm_zero_margin_wrong"
SVM_FOUND_BY_ZERO_ID = "svm_correct_class_found_by_zero_margin"
SVM_INDICATOR_ZERO_ID = "svm_zero_margin_in_indicator_not_in_count"
SVM_KINK_RULE = ("At a margin of exactly 0 (x[j] == x[y] - 1) the hinge has a kink, and any share of its step is "
                 "a valid gradient (margins > 0 and margins >= 0 are both fine): dx[i, j] between 0 and 1 / N, as "
                 "long as the correct class's entry dx[i, y[i]] is minus the sum of the row's other entries.")


SVM_AWAY_FROM_KINKS = ("This dx is wrong whatever share of the step the margins of exactly 0 take, so the kinks are "
                       "not the cause: a wrong class whose margin is positive gets 1 / N, one whose margin is "
                       "negative 0, and the correct class minus the sum of its row's other entries. Where the "
                       "gradient check fails too, fix dx there first.")


def _judge_zero_margins(case, grads) -> Finding:
    """At a margin of exactly 0 any dx[i, j] in [0, 1 / N] is a subgradient, provided the correct class's
    entry balances the row (minus the sum of its other entries); everywhere else dx is the usual one."""
    (dx,) = grads
    x, y = case.arrays["x"], case.extras[0]
    n = x.shape[0]
    rows = np.arange(n)
    margins = x - x[rows, y][:, None] + 1.0
    wrong = np.ones(x.shape, dtype=bool)
    wrong[rows, y] = False
    zero, positive = wrong & (margins == 0), wrong & (margins > 0)
    if not np.all(np.isfinite(dx)):
        return Finding(Status.FAILED, "svm_loss gives NaN or inf where a margin is exactly 0", SVM_KINK_RULE,
                       SVM_ZERO_MARGIN_ID)
    count = positive.sum(axis=1).astype(float)
    close = lambda a, b: np.allclose(a, b, rtol=1e-9, atol=1e-12)     # noqa: E731
    clear = wrong & ~zero
    # The correct class's entry lies between -(positive margins) / N and -(positive and zero margins) / N
    # whatever share of the step the zero margins take; outside that (or a wrong class whose margin is not 0
    # given something else than its usual entry), dx is wrong away from the kinks too, and nothing here
    # shows that the margins of exactly 0 are the cause: the finding says where it is wrong, and no more.
    if not close(dx[clear], (positive / n)[clear]):
        return Finding(Status.FAILED, "svm_loss's dx is wrong at wrong classes whose margin is not 0 (on a case "
                       "where some other margins are exactly 0)", SVM_AWAY_FROM_KINKS)
    correct = dx[rows, y]
    if np.any((correct < -(count + zero.sum(axis=1)) / n - 1e-9) | (correct > -count / n + 1e-9)):
        return Finding(Status.FAILED, "svm_loss's dx at the correct class is outside what any share of the step at "
                       "the margins of exactly 0 gives", SVM_AWAY_FROM_KINKS)
    share = dx[zero]
    balanced = close(dx[rows, y], -np.where(wrong, dx, 0.0).sum(axis=1))
    if balanced and np.all((share >= -1e-12) & (share <= 1.0 / n + 1e-12)):
        return PASS
    spread = np.broadcast_to(count[:, None], x.shape)[zero]
    if zero.any() and np.any(spread > 0) and close(share, -spread / n) and close(dx[rows, y], -count / n):
        return Finding(Status.FAILED, "svm_loss gives a wrong class whose margin is exactly 0 the correct class's "
                       "gradient, -(number of positive margins) / N",
                       "Your dx finds the correct classes as the entries whose margin is 0, and a wrong class with "
                       "x[j] == x[y] - 1 has that margin too. Find the correct class by its index, dx[np.arange(N), "
                       "y] = -(number of positive margins) / N, not by a margin's value.", SVM_FOUND_BY_ZERO_ID)
    if zero.any() and close(share, 1.0 / n) and close(dx[rows, y], -count / n):
        return Finding(Status.FAILED, "at a margin of exactly 0 svm_loss gives the wrong class 1 / N but the "
                       "correct class no matching -1 / N",
                       "Your indicator keeps the margins of exactly 0 (it zeroes only margin < 0), but the count you "
                       "subtract at the correct class takes margin > 0 only. Use the same test in both: margins > 0 "
                       "(or >= 0) for the indicator and for the count.", SVM_INDICATOR_ZERO_ID)
    return Finding(Status.FAILED, "svm_loss's dx is wrong where a margin is exactly 0", SVM_KINK_RULE,
                   SVM_ZERO_MARGIN_ID)


EXERCISES = [
    Exercise("svm", "svm_loss", None, ("x",), _svm_inputs, extras=("y",), batched=True, error_hint=_svm_error,
             convention=Convention(_plant_zero_margins, _judge_zero_margins),
             mistake_ids={SVM_ZERO_MARGIN_ID: "svm_loss's dx is wrong where a margin is exactly 0 (the hinge's "
                                              "kink): outside [0, 1 / N], or the correct class not balancing it",
                          SVM_FOUND_BY_ZERO_ID: "svm_loss finds the correct classes as the entries whose margin is 0, "
                                                "so a wrong class with a margin of exactly 0 gets -(count) / N too",
                          SVM_INDICATOR_ZERO_ID: "svm_loss's indicator keeps margins of exactly 0 (1 / N) but its count "
                                                 "at the correct class takes margin > 0 only",
                          SVM_COUNT_AXIS_ID: "svm_loss counts the positive margins per class (axis=0) instead of "
                                             "per example (axis=1)",
                          SVM_COLUMN_ID: "svm_loss subtracts the correct scores as an (N,) row instead of an (N, 1) "
                                         "column",
                          SVM_ONEHOT_ID: "svm_loss builds the one-hot of y with y.max() + 1 columns instead of C",
                          SVM_PRESENT_LABELS_ID: "svm_loss builds the correct class's one-hot over the labels present "
                                                 "in the batch (np.unique(y)) instead of all C classes",
                          SVM_LABELS_MATMUL_ID: "svm_loss takes the correct scores by multiplying the labels, as an "
                                                "(N, 1) column, into the scores (np.matmul(np.transpose([y]), x)) "
                                                "instead of indexing x[np.arange(N), y]"}),
]
