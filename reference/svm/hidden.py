"""The svm assignment's hidden half: hidden shapes and known mistakes. Never shipped to students."""
from __future__ import annotations

import numpy as np

from grader.declare import Hidden, Mistake


def _size(rng: np.random.Generator, low: int, high: int) -> int:
    """An integer in [low, high]."""
    return int(rng.integers(low, high + 1))


def _margins(c, delta=1.0):
    x, y = c["x"], c["y"]
    rows = np.arange(x.shape[0])
    return np.maximum(0.0, x - x[rows, y][:, None] + delta), rows, y


def _svm_counting_correct(c):
    """The correct class's own margin, max(0, 1) = 1, left in the sum."""
    margins, rows, y = _margins(c)
    return np.asarray(margins.sum() / c["x"].shape[0])


def _svm_dx_without_correct(c):
    margins, rows, y = _margins(c)
    margins[rows, y] = 0
    return (margins > 0) / c["x"].shape[0]


def _svm_dx_minus_one(c):
    """-1 at the correct class instead of minus the number of positive margins."""
    margins, rows, y = _margins(c)
    margins[rows, y] = 0
    dx = (margins > 0).astype(float)
    dx[rows, y] = -1
    return dx / c["x"].shape[0]


def _svm_rows_by_label(c):
    """x[y] (whole rows picked by the labels, the one-example s[y] applied to a batch) for the correct
    scores. Defined when every label is a row index (otherwise it raises; exercises/svm reads that)."""
    x, y = c["x"], c["y"]
    rows = np.arange(x.shape[0])
    margins = np.maximum(0.0, x - x[y] + 1.0)
    margins[rows, y] = 0
    return np.asarray(margins.sum() / x.shape[0])


def _svm_dx_count_per_class(c):
    """The positive margins counted down each column (per class, axis=0): row i gets column i's count.
    Assignable only when N == C; otherwise it raises, which exercises/svm/assignment.py reads."""
    margins, rows, y = _margins(c)
    margins[rows, y] = 0
    dx = (margins > 0).astype(float)
    dx[rows, y] = -(margins > 0).sum(axis=0)
    return dx / c["x"].shape[0]


def _svm_dx_count_with_correct(c):
    """The correct class's own margin (1) left in the mask, so its count is one too many:
    dx[i, y[i]] = -(positives + 1) + 0 (the correct entry was overwritten after counting)."""
    margins, rows, y = _margins(c)
    positive = (margins > 0).astype(float)          # the correct class's margin is 1 > 0: counted
    positive[rows, y] = -positive.sum(axis=1)
    return positive / c["x"].shape[0]


def _svm_scores_as_row(c):
    """x - x[rows, y] + 1 with the correct scores an (N,) row: against (N, C) scores it lines up with the
    columns (only when N == C; otherwise it raises, which exercises/svm/assignment.py reads)."""
    x, y = c["x"], c["y"]
    rows = np.arange(x.shape[0])
    margins = np.maximum(0.0, x - x[rows, y] + 1.0)
    margins[rows, y] = 0
    return np.asarray(margins.sum() / x.shape[0])


def _svm_dx_ties_dropped(c):
    """The correct class found as the entry whose margin is exactly 1: a wrong class whose score ties the
    correct one has that margin too, and is left out of the gradient."""
    x, y = c["x"], c["y"]
    rows = np.arange(x.shape[0])
    margins = x - x[rows, y][:, None] + 1.0
    counted = ((margins > 0) & (margins != 1.0)).astype(float)
    counted[rows, y] = -counted.sum(axis=1)
    return counted / x.shape[0]


def _svm_loss_ties_dropped(c):
    """The correct class left out by its difference x[j] - x[y] of exactly 0 (its margin of 1): a wrong
    class whose score ties the correct one has it too, and its margin of 1 is left out of the loss."""
    x, y = c["x"], c["y"]
    differences = x - x[np.arange(x.shape[0]), y][:, None]
    margins = np.maximum(0.0, differences + 1.0)
    return np.asarray(margins[differences != 0].sum() / x.shape[0])


def _svm_dx_from_ones(c):
    """dx started from np.ones instead of zeros: the positive margins' 1s change nothing, every wrong
    class keeps 1, and the correct one gets 1 - (number of positive margins)."""
    margins, rows, y = _margins(c)
    margins[rows, y] = 0
    dx = np.ones_like(c["x"])
    dx[rows, y] -= (margins > 0).sum(axis=1)
    return dx / c["x"].shape[0]


def _svm_loss_counting(c):
    """The number of positive margins, / N, instead of the sum of their values."""
    margins, rows, y = _margins(c)
    margins[rows, y] = 0
    return np.asarray((margins > 0).sum() / c["x"].shape[0])


def _svm_delta_subtracted(c, of: str):
    """The margins x - correct - 1: the delta subtracted, so only classes scoring more than 1 above the
    correct one count (dx is that loss's own gradient)."""
    margins, rows, y = _margins(c, delta=-1.0)
    margins[rows, y] = 0
    if of == "loss":
        return np.asarray(margins.sum() / c["x"].shape[0])
    dx = (margins > 0).astype(float)
    dx[rows, y] = -dx.sum(axis=1)
    return dx / c["x"].shape[0]


SVM_DELTA_SUBTRACTED = ("Your margins subtract the delta: max(0, x[j] - x[y] - 1). The margin is max(0, x[j] - x[y] "
                        "+ 1): a wrong class costs something until the correct one beats it by at least 1, so the "
                        "delta is added.")


def _has_ties(c) -> bool:
    x, y = c["x"], c["y"]
    margins = x - x[np.arange(x.shape[0]), y][:, None] + 1.0
    return int((margins == 1.0).sum()) > x.shape[0]


def _svm_dx_margin_values(c):
    """A wrong class with a positive margin gets the margin's value instead of 1 (dx[i, j] += margin in a
    loop); the correct class's count is right."""
    margins, rows, y = _margins(c)
    margins[rows, y] = 0
    dx = margins.copy()
    dx[rows, y] = -(margins > 0).sum(axis=1)
    return dx / c["x"].shape[0]


def _svm_reversed_without_hinge(c):
    """Each wrong class's margin reversed, x[y] - x[j] + 1 (the correct score minus the wrong one), and
    summed without the hinge max(0, .): negative margins count too."""
    x, y = c["x"], c["y"]
    rows = np.arange(x.shape[0])
    margins = x[rows, y][:, None] - x + 1.0
    margins[rows, y] = 0
    return np.asarray(margins.sum() / x.shape[0])


def _svm_dx_every_class(c):
    """+1 for every other class and -1 for the correct one, whether or not the margin is positive."""
    x, y = c["x"], c["y"]
    dx = np.ones_like(x)
    dx[np.arange(x.shape[0]), y] = -1
    return dx / x.shape[0]


def _svm_hinge_on_row_sums(c):
    """The hinge applied once per example, to the sum of its wrong classes' margins x[j] - x[y] + 1, and the
    positive row sums added up: a negative margin cancels part of a positive one."""
    x, y = c["x"], c["y"]
    rows = np.arange(x.shape[0])
    margins = x - x[rows, y][:, None] + 1.0
    margins[rows, y] = 0
    totals = margins.sum(axis=1)
    return np.asarray(totals[totals > 0].sum() / x.shape[0])


def _svm_dx_correct_class_only(c):
    """Only the correct class's term of each positive margin, -1 at dx[i, y[i]]: the +1 at the wrong class
    whose margin it is never added."""
    margins, rows, y = _margins(c)
    margins[rows, y] = 0
    dx = np.zeros_like(c["x"])
    dx[rows, y] = -(margins > 0).sum(axis=1)
    return dx / c["x"].shape[0]


def _svm_label_as_correct_score(c, of: str):
    """The margins x[j] + 1 - y[i]: the label, a class index, subtracted where the correct class's score
    x[i, y[i]] belongs; loss and dx then built right from those margins."""
    x, y = c["x"], c["y"]
    rows = np.arange(x.shape[0])
    margins = np.maximum(0.0, x + 1.0 - y[:, None])
    margins[rows, y] = 0
    if of == "loss":
        return np.asarray(margins.sum() / x.shape[0])
    dx = (margins > 0).astype(float)
    dx[rows, y] = -dx.sum(axis=1)
    return dx / x.shape[0]


def _svm_dx_minus_wrong_classes(c):
    """-(C - 1), the number of wrong classes, at the correct class whatever the margins, instead of minus
    the number of positive margins; the wrong classes' entries are right. Differs from the right dx only
    where some wrong class's margin is not positive."""
    margins, rows, y = _margins(c)
    margins[rows, y] = 0
    dx = (margins > 0).astype(float)
    dx[rows, y] = -(c["x"].shape[1] - 1)
    return dx / c["x"].shape[0]


SVM_LABEL_AS_SCORE = ("Your margins subtract the label y[i], a class index, where the correct class's score belongs: "
                      "the margin is x[i, j] - x[i, y[i]] + 1, with the correct scores taken as a column, "
                      "x[np.arange(N), y][:, None].")


def _several_wrong_classes(c) -> bool:
    return c["x"].shape[1] > 2


SVM_IDS = {
    "svm_dx_ignores_hinge": "svm_loss's dx gives every class +1 and the correct one -1, whether or not its margin "
                            "is positive",
    "svm_dx_count_includes_correct": "svm_loss's count of positive margins includes the correct class's own "
                                     "margin (1), so dx[i, y[i]] is one too negative",
    "svm_correct_class_counted": "svm_loss counts the correct class's own margin (1 per example) in the loss",
    "svm_dx_missing_correct_class": "svm_loss's dx lacks the correct class's term (minus the number of positive margins)",
    "svm_dx_correct_class_minus_one": "svm_loss's dx subtracts 1 at the correct class instead of the number of positive margins",
    "svm_correct_class_by_margin": "svm_loss finds the correct class by its margin of exactly 1, so a wrong class "
                                   "whose score ties the correct one is left out of dx too",
    "svm_loss_counts_margins": "svm_loss's loss counts the positive margins (np.sum(margins > 0)) instead of summing "
                               "their values",
    "svm_dx_starts_at_ones": "svm_loss's dx starts from np.ones instead of zeros: every wrong class gets 1 whether or "
                             "not its margin is positive, and the correct one 1 - (number of positive margins)",
    "svm_delta_subtracted": "svm_loss's margins subtract the delta, max(0, x[j] - x[y] - 1), instead of adding it",
    "svm_dx_margin_value_for_indicator": "svm_loss's dx gives a wrong class with a positive margin the margin's "
                                         "value instead of 1 (/ N)",
    "svm_correct_score_indexing": "svm_loss takes the correct scores as x[y] (whole rows by label) instead of x[np.arange(N), y]",
    "svm_margin_reversed_without_hinge": "svm_loss's margins are reversed, x[y] - x[j] + 1 (the correct score minus "
                                         "the wrong one), and summed without the hinge max(0, .)",
    "svm_hinge_applied_to_row_sum": "svm_loss applies the hinge max(0, .) to each example's sum of margins instead "
                                    "of to each wrong class's margin",
    "svm_dx_wrong_class_terms_missing": "svm_loss's dx has only the correct class's term (minus the number of positive "
                                        "margins): the +1 / N at each wrong class with a positive margin is missing",
    "svm_label_subtracted_as_correct_score": "svm_loss subtracts the label y[i] (a class index) where the correct "
                                             "class's score x[i, y[i]] belongs in the margins",
    "svm_dx_correct_class_minus_num_wrong_classes": "svm_loss's dx gives the correct class -(C - 1), minus the number "
                                                    "of wrong classes, instead of minus the number of positive margins",
}

SVM = Hidden(
    lambda rng: {"N": _size(rng, 3, 8), "C": _size(rng, 3, 7)},
    work=({"N": 3000, "C": 10},),
    # N == C: a count over the wrong axis (per class) fits where it should raise
    # ties: a wrong class's score equal to the correct one's; C = 250: np.choose refuses 64 choices or more,
    # and about 190 of a row's 249 margins are positive, more than an np.int8 count holds (127)
    edges=({"N": 1, "C": 4}, {"N": 5, "C": 2}, {"N": 4, "C": 4}, {"N": 4, "C": 5, "ties": True},
           {"N": 2, "C": 250}),
    mistakes=(
        Mistake("svm_correct_class_counted", "loss", "Leave the correct class out of the sum: its margin "
                "x[y] - x[y] + 1 is always 1 (set margins[np.arange(N), y] = 0).", _svm_counting_correct),
        Mistake("svm_dx_missing_correct_class", "dx", "The correct score appears in every positive margin with a "
                "minus sign: dx[i, y[i]] = -(number of positive margins of row i), / N.", _svm_dx_without_correct),
        Mistake("svm_dx_correct_class_minus_one", "dx", "The correct score appears in EVERY positive margin: "
                "dx[i, y[i]] = -(number of positive margins of row i), not -1.", _svm_dx_minus_one),
        Mistake("svm_correct_score_indexing", "loss", "x[y] picks whole rows of x by the labels: each example's "
                "correct score is x[np.arange(N), y], taken as a column, x[np.arange(N), y][:, None].",
                _svm_rows_by_label, when=lambda c: int(np.max(c["y"])) < c["x"].shape[0]),
        Mistake("svm_dx_count_wrong_axis", "dx", "Count the positive margins of each example along its row: "
                "np.sum(margins > 0, axis=1); axis=0 counts them per class.", _svm_dx_count_per_class,
                when=lambda c: c["x"].shape[0] == c["x"].shape[1]),
        Mistake("svm_dx_count_includes_correct", "dx", "The correct class's own margin is always 1 > 0: leave it out "
                "of the count (set margins[np.arange(N), y] = 0 first), so dx[i, y[i]] = -(number of positive "
                "margins of the other classes) / N.", _svm_dx_count_with_correct),
        Mistake("svm_correct_scores_not_column", "loss", "Each example's correct score must meet its own row: take it "
                "as a column, x[np.arange(N), y][:, None]; an (N,) array lines up with the columns instead.",
                _svm_scores_as_row, when=lambda c: c["x"].shape[0] == c["x"].shape[1]),
        Mistake("svm_correct_class_by_margin", "dx", "A wrong class whose score equals the correct one also has a "
                "margin of exactly 1, and it counts (its margin is positive): leave the correct class out by its "
                "index, margins[np.arange(N), y] = 0, not by its margin's value.", _svm_dx_ties_dropped,
                when=_has_ties),
        Mistake("svm_correct_class_by_margin", "loss", "A wrong class whose score equals the correct one also has a "
                "difference x[j] - x[y] of exactly 0 (a margin of 1), and its margin counts in the loss: leave the "
                "correct class out by its index, margins[np.arange(N), y] = 0, not by the value of its difference "
                "or margin.", _svm_loss_ties_dropped, when=_has_ties),
        Mistake("svm_loss_counts_margins", "loss", "The loss adds up the margins' values, max(0, x[j] - x[y] + 1), "
                "not how many are positive: np.sum(np.maximum(0, margins)) / N (the count, np.sum(margins > 0), "
                "belongs in dx).", _svm_loss_counting),
        Mistake("svm_dx_starts_at_ones", "dx", "dx starts from ones, so every wrong class keeps a 1 even where its "
                "margin is not positive: start from zeros, np.zeros_like(x), then set 1 where the margin is "
                "positive and -(their number) at the correct class, all / N.", _svm_dx_from_ones),
        Mistake("svm_delta_subtracted", "loss", SVM_DELTA_SUBTRACTED, lambda c: _svm_delta_subtracted(c, "loss")),
        Mistake("svm_delta_subtracted", "dx", SVM_DELTA_SUBTRACTED, lambda c: _svm_delta_subtracted(c, "dx")),
        Mistake("svm_dx_ignores_hinge", "dx", "A class adds to the gradient only where its margin is positive (the "
                "hinge max(0, .) is flat elsewhere): dx[i, j] = 1 for those classes only, and dx[i, y[i]] = -(their "
                "number), all / N.", _svm_dx_every_class),
        Mistake("svm_margin_reversed_without_hinge", "loss", "Each wrong class's margin is x[j] - x[y] + 1, the wrong "
                "score minus the correct one (a wrong class costs something when it scores close to or above the "
                "correct one), and only its positive part counts: loss = sum over j != y of max(0, x[j] - x[y] + 1), "
                "/ N. Yours is x[y] - x[j] + 1, with negative margins summed too.", _svm_reversed_without_hinge),
        Mistake("svm_dx_margin_value_for_indicator", "dx", "A positive margin x[j] - x[y] + 1 adds 1 to dx[i, j], its "
                "derivative with respect to x[j], not its own value: dx[i, j] = 1 where the margin is positive (0 "
                "elsewhere) and dx[i, y[i]] = -(their number), all / N.", _svm_dx_margin_values),
        Mistake("svm_hinge_applied_to_row_sum", "loss", "The hinge max(0, .) applies to each wrong class's margin on "
                "its own, before the sum: loss = sum over i and j != y[i] of max(0, x[i, j] - x[i, y[i]] + 1), / N. "
                "Yours takes each example's total of the margins and keeps it if positive, so a negative margin "
                "cancels part of a positive one.", _svm_hinge_on_row_sums, when=_several_wrong_classes),
        Mistake("svm_dx_wrong_class_terms_missing", "dx", "Each positive margin x[j] - x[y] + 1 adds two terms to dx: "
                "-1 at the correct class (yours has it) and +1 at the wrong class j itself, which yours leaves out: "
                "dx[i, j] = 1 where the margin is positive, dx[i, y[i]] = -(their number), all / N.",
                _svm_dx_correct_class_only),
        Mistake("svm_label_subtracted_as_correct_score", "loss", SVM_LABEL_AS_SCORE,
                lambda c: _svm_label_as_correct_score(c, "loss")),
        Mistake("svm_label_subtracted_as_correct_score", "dx", SVM_LABEL_AS_SCORE,
                lambda c: _svm_label_as_correct_score(c, "dx")),
        Mistake("svm_dx_correct_class_minus_num_wrong_classes", "dx", "Your dx gives the correct class -(C - 1), as "
                "if every wrong class's margin were positive. Only a positive margin x[j] - x[y] + 1 > 0 has the "
                "correct score in it (the hinge is flat elsewhere): dx[i, y[i]] = -(number of positive margins of "
                "row i), / N, the same count whose wrong classes get 1.", _svm_dx_minus_wrong_classes,
                when=_several_wrong_classes),       # C = 2: -(C - 1) is -1, svm_dx_correct_class_minus_one's dx
    ),
    mistake_ids=SVM_IDS)


HIDDEN = {"svm": SVM}
