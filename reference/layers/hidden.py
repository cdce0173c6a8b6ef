"""The layers assignment's hidden half: hidden shapes, known mistakes and chain-rule paths. Never
shipped to students (mistakes and paths are computed from the reference's own intermediate values).
"""
from __future__ import annotations

import numpy as np

from grader.declare import ChainRule, Hidden, Mistake, Path


def _size(rng: np.random.Generator, low: int = 2, high: int = 7) -> int:
    return int(rng.integers(low, high))


def _any_shape(rng: np.random.Generator) -> dict:
    return {"x": [_size(rng) for _ in range(int(rng.integers(1, 4)))]}


def _sigmoid(x):
    return np.exp(-np.logaddexp(0.0, -x))


def _softmax(x):
    shifted = x - x.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def _eps(c) -> float:
    return c["bn_param"].get("eps", 1e-5)


def _x_hat(c):
    """batchnorm's normalised x and 1 / std, from the case's own inputs."""
    x = c["x"]
    inv_std = 1.0 / np.sqrt(x.var(axis=0) + _eps(c))
    return (x - x.mean(axis=0)) * inv_std, inv_std


# The mistake ids this half of the declarations can give, with their meaning (the dashboard's and the
# README's catalogue; a published id never changes meaning).
RELU_IDS = {
    "relu_forward_mask": "relu_forward returns the mask (x > 0) instead of max(0, x)",
    "relu_output_as_mask": "relu_backward multiplies dout by the output max(x, 0) instead of the mask x > 0",
    "relu_sign_mask": "relu_backward multiplies dout by np.sign(x): -dout where x < 0 instead of 0",
    "relu_mask_one_row": "relu_backward takes its mask from one example (x[0]) for every row",
    "relu_mask_from_output": "relu_backward's mask lets everything through (out >= 0 on the output, or no mask): dx = dout",
    "relu_mask_from_dout": "relu_backward takes its mask from dout (dout > 0) instead of from x",
}

SOFTMAX_IDS = {
    "softmax_missing_onehot": "softmax dx is p / N: the -1 at each example's correct class is missing",
    "last_example_only": "a loop over the examples whose later lines are dedented out of its body: only the last example's loss and gradient count",
    "softmax_labels_as_onehot": "softmax's loss multiplies the log-probabilities by y as if y were one-hot (y holds class indices)",
    "softmax_wrong_axis": "softmax_loss normalises over axis 0 or the whole array instead of each row's classes (axis=1)",
    "softmax_logsumexp_keepdims": "softmax's log-sum-exp without keepdims: (N,) meets the (N, C) scores along the columns (square x)",
    "softmax_loss_all_rows": "softmax's loss takes log_probs[:, y] (every row at every label) instead of log_probs[np.arange(N), y]",
    "softmax_minus_one_everywhere": "softmax dx subtracts 1 from every entry: (p - 1) / N",
    "softmax_dx_correct_prob_every_column": "softmax dx uses the correct class's probability p[i, y[i]] in every column of row i",
    "softmax_missing_exp": "softmax's probabilities are the scores over their row sum, without exp",
    "softmax_loss_missing_log": "softmax's loss averages the correct classes' probabilities without -log",
    "softmax_onehot_all_rows": "softmax dx subtracts 1 at the labels' columns in every row (dx[:, y] -= 1)",
    "softmax_labels_one_based": "softmax uses y - 1 or y + 1: labels are 0-based class indices",
    "softmax_onehot_scaled": "softmax dx's -onehot / N path has the wrong factor (sign or N)",
    "softmax_prob_path_scaled": "softmax dx's p / N path has the wrong factor",
    "softmax_log_guarded": "softmax_loss guards log(p) with a small constant (log(p + eps), or p clipped at eps) "
                           "instead of log-sum-exp: where p underflows the loss is capped near -log(eps)",
}

SIGMOID_IDS = {
    "sigmoid_precedence": "sigmoid_forward computes 1 / 1 + exp(-x) = 1 + exp(-x) (operator precedence)",
    "sigmoid_stable_branch_dropped": "a stable piecewise sigmoid's backward drops the path through exp(x) in the numerator (wrong where x < 0)",
    "sigmoid_sign": "the sigmoid uses exp(x) where exp(-x) belongs",
    "sigmoid_derivative_s": "sigmoid_backward uses s instead of s * (1 - s)",
    "sigmoid_one_minus_s": "sigmoid_backward uses (1 - s) instead of s * (1 - s)",
    "sigmoid_on_input": "sigmoid_backward applies s * (1 - s) to x instead of the sigmoid's output",
    "sigmoid_of_output": "sigmoid_backward applies the sigmoid again to the cached output s: sigmoid(s) * (1 - sigmoid(s))",
}

BATCHNORM_IDS = {
    "dgamma_not_normalised": "batchnorm's dgamma uses x - mean instead of the normalised x_hat",
    "dgamma_from_raw_x": "batchnorm's dgamma uses the raw input x instead of the normalised x_hat",
    "dbeta_times_gamma": "batchnorm's dbeta is multiplied by gamma",
    "batchnorm_unbiased_var": "batchnorm uses the unbiased variance (ddof=1) instead of the batch's biased one",
    "batchnorm_eps_outside_sqrt": "batchnorm adds eps outside the square root: std + eps",
    "batchnorm_missing_beta": "batchnorm_forward leaves out beta",
    "eps_default_wrong": "batchnorm's default eps is not 1e-5 where bn_param gives none (bn_param.get('eps', 1e-8) or 1e-3, or no eps)",
    "batchnorm_precedence": "batchnorm divides only the mean by the std: x - mean / np.sqrt(var + eps) (parentheses)",
    "batchnorm_stats_not_per_feature": "batchnorm's mean and variance are not per feature (axis=0): of the whole array, or of each example",
    "train_mode_running_stats": "batchnorm in train mode normalises with the running statistics instead of the batch's own",
    "missing_mean_path": "batchnorm dx is missing the path through the batch mean",
    "missing_var_path": "batchnorm dx is missing the path through the batch variance",
    "missing_mean_var_paths": "batchnorm dx is only the direct path: both paths through mean and variance are missing",
    "mean_path_wrong": "batchnorm dx's path through the mean has the wrong sign or factor",
    "var_path_wrong": "batchnorm dx's path through the variance has the wrong sign or factor (by N, by 2)",
    "direct_path_wrong": "batchnorm dx's direct path has the wrong factor (gamma or 1/std missing)",
    "missing_gamma": "batchnorm dx is missing the factor gamma",
    "batchnorm_var_path_uses_x": "batchnorm dx's path through the variance uses 2 * x / N for d var / dx = 2 * (x - mean) / N",
    "batchnorm_dx_missing_inv_std": "batchnorm dx is missing the factor 1 / std on every path",
    "batchnorm_eps_subtracted": "batchnorm subtracts eps under the square root: np.sqrt(var - eps)",
    "batchnorm_var_not_summed": "batchnorm's variance is (x - mean) ** 2 / N entry by entry, without the sum over the batch (shape (N, D))",
    "batchnorm_dx_diagonal_only": "batchnorm dx[i] uses dout[i] alone (d x_hat_i / d x_i): the terms through the other examples are missing",
}

AFFINE_IDS = {
    "affine_missing_bias": "affine_forward leaves out b",
}


# --- affine, relu, sigmoid ------------------------------------------------------------------------

AFFINE = Hidden(
    lambda rng: {"N": _size(rng), "dims": [_size(rng) for _ in range(int(rng.integers(1, 3)))], "M": _size(rng)},
    # x of five axes: the docstring's (N, d_1, ..., d_k) allows any k (a real forward had a branch
    # per number of axes, up to four)
    edges=({"N": 2, "dims": [3, 2, 2], "M": 1}, {"N": 3, "dims": [3], "M": 3}, {"N": 2, "dims": [2, 1, 3, 2], "M": 2}),
    # w (10, 8): not square, so that the square edge case stays where a transposed dw is caught
    work=({"N": 4500, "dims": [2, 5], "M": 8},),
    mistakes=(Mistake("affine_missing_bias", "out", "out is missing the bias: out = x @ w + b.",
                      lambda c: c["x"].reshape(c["x"].shape[0], -1) @ c["w"]),
              Mistake("db_ignores_dout", "db", "db is all ones, the local gradient of + b alone: b is added to every "
                      "row, so db adds up dout over the batch, db = dout.sum(axis=0).", lambda c: np.ones_like(c["b"]))),
    mistake_ids=AFFINE_IDS)

# No work-bound case (Hidden.work) for relu: its forward is so cheap that central differences through a
# copy of it would need a case of 150,000 elements or more to run out of time (and vectorised central
# differences of an elementwise function cost two forward calls whatever the size).
RELU = Hidden(
    _any_shape, exact=True, edges=({"x": [1, 5]}, {"x": [2, 3, 2, 2]}),
    mistakes=(
        Mistake("relu_forward_mask", "out", "out is the mask (1 where x > 0), which is relu_backward's local "
                "gradient: relu_forward returns the values themselves, out = np.maximum(0, x).",
                lambda c: (c["x"] > 0).astype(float)),
        Mistake("relu_output_as_mask", "dx", "ReLU's local gradient is 1 where x > 0 and 0 elsewhere, not the "
                "output itself.", lambda c: c.dout * np.maximum(c["x"], 0.0)),
        Mistake("relu_sign_mask", "dx", "np.sign(x) is -1 where x < 0: ReLU's local gradient there is 0, not -1. "
                "Mask with x > 0: dx = dout * (x > 0).", lambda c: c.dout * np.sign(c["x"])),
        Mistake("relu_mask_one_row", "dx", "Your mask comes from one example, x[0], and is applied to every row: take "
                "it from the whole x, dx = dout * (x > 0) (check how you unpack the cache).",
                lambda c: c.dout * (c["x"][0] > 0), when=lambda c: c["x"].ndim >= 2 and c["x"].shape[0] > 1),
        Mistake("relu_mask_from_output", "dx", "dx equals dout everywhere: your mask let every entry through (if it is "
                "out >= 0: out = max(0, x) is never negative, so that holds everywhere). Mask with x > 0 (or out > 0).",
                lambda c: c.dout.copy()),
        Mistake("relu_mask_from_dout", "dx", "The mask comes from the forward's input: dx = dout * (x > 0), with x "
                "from the cache, not dout > 0.", lambda c: c.dout * (c.dout > 0)),
    ),
    mistake_ids=RELU_IDS)

SIGMOID = Hidden(
    _any_shape, exact=True, edges=({"x": [1, 1]}, {"x": [2, 3, 2]}),
    work=({"x": [200, 100]},),
    mistakes=(
        Mistake("sigmoid_sign", "out", "sigmoid(x) = 1 / (1 + exp(-x)): check the sign inside exp.",
                lambda c: 1.0 / (1.0 + np.exp(np.clip(c["x"], -700, 700)))),
        Mistake("sigmoid_precedence", "out", "1 / 1 + np.exp(-x) is 1 + exp(-x): division binds tighter than +, so "
                "the denominator needs parentheses, 1 / (1 + np.exp(-x)).",
                lambda c: 1.0 + np.exp(-np.clip(c["x"], -700, 700))),
        Mistake("sigmoid_derivative_s", "dx", "The derivative of the sigmoid is s * (1 - s), where s = sigmoid(x).",
                lambda c: c.dout * _sigmoid(c["x"])),
        Mistake("sigmoid_on_input", "dx", "Apply s * (1 - s) to the sigmoid's output s, not to the input x.",
                lambda c: c.dout * c["x"] * (1 - c["x"])),
        Mistake("sigmoid_of_output", "dx", "Your cache holds s = sigmoid(x) already, and you apply the sigmoid to it "
                "again: the local gradient is s * (1 - s) with s itself, not sigmoid(s) * (1 - sigmoid(s)).",
                lambda c: c.dout * _sigmoid(_sigmoid(c["x"])) * (1 - _sigmoid(_sigmoid(c["x"])))),
        Mistake("sigmoid_one_minus_s", "dx", "The derivative of the sigmoid is s * (1 - s): you have only (1 - s).",
                lambda c: c.dout * (1 - _sigmoid(c["x"]))),
        Mistake("sigmoid_stable_branch_dropped", "dx", "Where x < 0 your sigmoid is exp(x) / (1 + exp(x)), and x "
                "reaches it through the numerator too: that branch adds s to the -s**2 of the denominator's, so "
                "ds/dx = s * (1 - s) on both sides of 0 (differentiate s itself, not one branch of its formula).",
                lambda c: c.dout * np.where(c["x"] >= 0, _sigmoid(c["x"]) * (1 - _sigmoid(c["x"])),
                                            -_sigmoid(c["x"]) ** 2)),
    ),
    mistake_ids=SIGMOID_IDS)

# --- softmax loss ---------------------------------------------------------------------------------

ONE_BASED = "Labels y are 0-based class indices (0 .. C - 1): index with y itself, not y - 1 or y + 1."


def _one_based_loss(c):
    x, y = c["x"], c["y"]
    log_p = np.log(np.maximum(_softmax(x), 1e-300))
    return np.asarray(-log_p[np.arange(x.shape[0]), y - 1].mean())


def _column_softmax(x):
    """The softmax over axis 0 (each column over the batch), as column-major course code has it."""
    return _softmax(x.T).T


def _whole_array_softmax(x):
    """A 1-d softmax reused on the batch: each row shifted by its max, then divided by the sum of
    the whole array."""
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum()


def _softmax_loss_with(c, probabilities):
    x, y = c["x"], c["y"]
    p = probabilities(x)
    return np.asarray(-np.log(np.maximum(p[np.arange(x.shape[0]), y], 1e-300)).mean())


def _squeezed_log_sum_exp(c):
    """shifted - log(sum(exp(shifted), axis=1)) without keepdims: the (N,) row values meet the
    (N, C) scores along the columns (it runs only when N == C)."""
    x, y = c["x"], c["y"]
    shifted = x - x.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1))
    return np.asarray(-log_p[np.arange(x.shape[0]), y].mean())


COLUMN_AXIS = ("The softmax runs over each example's classes, axis=1 (x is (N, C), one row per example): the max "
               "and the sum are over axis=1 with keepdims=True, not axis=0, which mixes the examples of a batch.")
LABELS_AS_ONEHOT = ("y holds class indices (shape (N,)), not a one-hot matrix: multiplying it with the "
                    "log-probabilities weighs them by the label numbers. Pick each example's own entry instead, "
                    "-log_probs[np.arange(N), y].mean().")
WHOLE_ARRAY = ("Each example's probabilities must add up to 1 on their own: the normaliser is each row's sum, "
               "np.sum(e, axis=1, keepdims=True), not the sum of the whole batch (a 1-d softmax reused on a batch).")


MISSING_LOG = ("The loss is the mean of -log(p) at each example's correct class: yours averages the probabilities "
               "themselves. Take the log: loss = -np.log(probs[np.arange(N), y]).mean().")


def _correct_probability(c):
    """Each example's probability at its own label."""
    return _softmax(c["x"])[np.arange(c["x"].shape[0]), c["y"]]


def _onehot(c):
    return np.eye(c["x"].shape[1])[c["y"]]


def _loss_all_rows(c):
    """-log_p[:, y].mean(): an (N, N) block, every row at every example's label."""
    x, y = c["x"], c["y"]
    log_p = np.log(np.maximum(_softmax(x), 1e-300))
    return np.asarray(-log_p[:, y].mean())


def _some_class_absent(c) -> bool:
    """dx[:, y] -= 1 and dx -= 1 differ only where some class is absent from y."""
    return len(np.unique(c["y"])) < c["x"].shape[1]


def _onehot_every_row(c):
    """dx[:, y] -= 1 subtracts once per distinct label, in every row."""
    x, y = c["x"], c["y"]
    every_row = np.zeros_like(x)
    every_row[:, np.unique(y)] = 1.0
    return (_softmax(x) - every_row) / x.shape[0]


def _last_example_only(c, of: str):
    """A loop over the examples whose body ends after its first lines: what follows runs once, after the
    loop, for the last example only, still divided by N."""
    x, y = c["x"], c["y"]
    n = x.shape[0]
    p = _softmax(x[-1:])
    if of == "loss":
        return np.asarray(-np.log(p[0, y[-1]]) / n)
    dx = np.zeros_like(x)
    dx[-1] = (p[0] - np.eye(x.shape[1])[y[-1]]) / n
    return dx


LAST_EXAMPLE_ONLY = ("Only the last example counts: the lines after the first in your loop over the examples are "
                     "outside it (indented one level less), so they run once, after the loop, with i = N - 1. "
                     "Indent them into the loop's body.")


# The constants students guard a log with (log(p + eps), np.maximum(p, eps), np.clip(p, eps, 1)). Where p
# underflows to 0 both forms give -log(eps); elsewhere they differ from -log(p) by about eps / p, within
# the tolerance for the smaller ones, so the loss is wrong only on the stability case with scores 1e3 apart.
LOG_GUARDS = (1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-12, 1e-15, 1e-20)

LOG_GUARDED = ("Your loss matches -log(p) with p guarded by a small constant, log(p + eps) or p clipped at eps: where "
               "the scores of a row are far apart, the correct class's probability underflows to 0 and the guard caps "
               "that example's loss near -log(eps) (about 18 for 1e-8) instead of its true value, in the hundreds. "
               "Don't guard the log: compute log-probabilities with log-sum-exp (a log_softmax), log_probs = shifted "
               "- np.log(np.exp(shifted).sum(axis=1, keepdims=True)) with shifted = x - x.max(axis=1, keepdims=True), "
               "then loss = -log_probs[np.arange(N), y].mean(): finite and exact for any scores.")


def _guarded_log_loss(c, eps: float):
    """-log(p + eps) at each example's correct class, averaged (a clip at eps gives the same loss
    where p underflows to 0, and within the tolerance elsewhere)."""
    return np.asarray(-np.log(_correct_probability(c) + eps).mean())


def _some_probability_underflows(c) -> bool:
    """The only cases where a guard changes the loss beyond the tolerance: a correct class's p is 0."""
    return bool(np.any(_correct_probability(c) == 0.0))


def _softmax_paths(c) -> list[Path]:
    x, y = c["x"], c["y"]
    n, classes = x.shape
    p = _softmax(x)
    return [
        Path("the softmax term p / N", p / n, "the loss depends on every score through the softmax's "
             "normaliser: dx starts from p / N.", "softmax_prob_path_scaled"),
        Path("the -one_hot(y) / N term", -np.eye(classes)[y] / n, "the correct class's score also enters the loss "
             "directly: subtract 1 at dx[np.arange(N), y], then divide everything by N.",
             "softmax_onehot_scaled", "softmax_missing_onehot"),
    ]


SOFTMAX = Hidden(
    lambda rng: {"N": _size(rng, 3, 9), "C": _size(rng, 3, 9)},
    work=({"N": 2000, "C": 10},),
    # C = 70: np.choose refuses 64 choices or more (one per class)
    edges=({"N": 2, "C": 7}, {"N": 6, "C": 2}, {"N": 2, "C": 70}),
    mistakes=(
        Mistake("softmax_labels_one_based", "loss", ONE_BASED, _one_based_loss),
        Mistake("softmax_labels_as_onehot", "loss", LABELS_AS_ONEHOT,
                lambda c: np.asarray(-np.sum(c["y"] * np.log(np.maximum(_softmax(c["x"]), 1e-300)).T) / c["x"].shape[0])),
        Mistake("softmax_labels_as_onehot", "loss", LABELS_AS_ONEHOT,
                lambda c: np.asarray(-np.sum(c["y"] * np.log(np.maximum(_softmax(c["x"]), 1e-300))) / c["x"].shape[0]),
                when=lambda c: c["x"].shape[0] == c["x"].shape[1]),
        Mistake("softmax_wrong_axis", "loss", COLUMN_AXIS, lambda c: _softmax_loss_with(c, _column_softmax)),
        Mistake("softmax_wrong_axis", "dx", COLUMN_AXIS,
                lambda c: (_column_softmax(c["x"]) - np.eye(c["x"].shape[1])[c["y"]]) / c["x"].shape[0]),
        Mistake("softmax_wrong_axis", "loss", WHOLE_ARRAY, lambda c: _softmax_loss_with(c, _whole_array_softmax)),
        Mistake("softmax_wrong_axis", "dx", WHOLE_ARRAY,
                lambda c: (_whole_array_softmax(c["x"]) - np.eye(c["x"].shape[1])[c["y"]]) / c["x"].shape[0]),
        Mistake("softmax_logsumexp_keepdims", "loss", "log(sum(exp(shifted), axis=1)) has shape (N,): subtracted from "
                "the (N, C) scores it lines up with the columns, not the rows (it only runs because N == C here). "
                "Keep the axis, keepdims=True, so that each row's value has shape (N, 1).", _squeezed_log_sum_exp,
                when=lambda c: c["x"].shape[0] == c["x"].shape[1]),
        Mistake("softmax_loss_all_rows", "loss", "log_probs[:, y] takes every row at every example's label (an N x N "
                "block): the loss of example i is at its own label only, log_probs[np.arange(N), y].", _loss_all_rows),
        Mistake("last_example_only", "loss", LAST_EXAMPLE_ONLY, lambda c: _last_example_only(c, "loss"),
                when=lambda c: c["x"].shape[0] > 1),
        Mistake("last_example_only", "dx", LAST_EXAMPLE_ONLY, lambda c: _last_example_only(c, "dx"),
                when=lambda c: c["x"].shape[0] > 1),
        *(Mistake("softmax_log_guarded", "loss", LOG_GUARDED, lambda c, eps=eps: _guarded_log_loss(c, eps),
                  when=_some_probability_underflows) for eps in LOG_GUARDS),
        Mistake("softmax_loss_missing_log", "loss", MISSING_LOG, lambda c: _correct_probability(c).mean()),
        Mistake("softmax_loss_missing_log", "loss", MISSING_LOG, lambda c: -_correct_probability(c).mean()),
        Mistake("softmax_dx_correct_prob_every_column", "dx", "Each entry of dx has its own probability: dx[i, j] = "
                "(p[i, j] - (1 if j == y[i] else 0)) / N. Yours puts the correct class's p[i, y[i]] in every column "
                "of row i.", lambda c: (_correct_probability(c)[:, None] - _onehot(c)) / c["x"].shape[0]),
        Mistake("softmax_missing_exp", "dx", "Your probabilities are the scores divided by their row sum, without "
                "exp: the softmax is exp(x) / sum(exp(x)) over each row (after subtracting the row's max), and dx = "
                "(p - one_hot(y)) / N from those p.",
                lambda c: (c["x"] / c["x"].sum(axis=1, keepdims=True) - _onehot(c)) / c["x"].shape[0]),
        Mistake("softmax_missing_onehot", "dx", "Subtract 1 at each example's correct class: dx = (p - one_hot(y)) / N.",
                lambda c: _softmax(c["x"]) / c["x"].shape[0]),
        Mistake("dx_sign", "dx", "dx has the wrong sign: dx = (p - one_hot(y)) / N.",
                lambda c: (_softmax(c["x"]) - np.eye(c["x"].shape[1])[c["y"]]) * -1 / c["x"].shape[0]),
        Mistake("softmax_onehot_all_rows", "dx", "1 is subtracted in every row at every class's column (dx[:, y] -= 1 "
                "with every class in y, which is also dx - 1): subtract it only at each example's own class, "
                "dx[np.arange(N), y] -= 1.", _onehot_every_row, when=lambda c: not _some_class_absent(c)),
        Mistake("softmax_onehot_all_rows", "dx", "dx[:, y] -= 1 subtracts 1 in every row at every label's column: "
                "subtract only at each example's own class, dx[np.arange(N), y] -= 1.", _onehot_every_row,
                when=_some_class_absent),
        Mistake("softmax_minus_one_everywhere", "dx", "dx = (p - 1) / N subtracts 1 from every score: the -1 belongs "
                "only at each example's correct class, dx[np.arange(N), y] -= 1.",
                lambda c: (_softmax(c["x"]) - 1.0) / c["x"].shape[0], when=_some_class_absent),
        Mistake("softmax_labels_one_based", "dx", ONE_BASED,
                lambda c: (_softmax(c["x"]) - np.eye(c["x"].shape[1])[c["y"] - 1]) / c["x"].shape[0]),
    ),
    chain_rule={"dx": ChainRule(_softmax_paths)},
    mistake_ids=SOFTMAX_IDS)

# --- batchnorm ------------------------------------------------------------------------------------


def _batchnorm(c, std, beta=True):
    """gamma * (x - mean) / std (+ beta): the forward with the student's choice of divisor."""
    x = c["x"]
    return c["gamma"] * (x - x.mean(axis=0)) / std + (c["beta"] if beta else 0)


PER_FEATURE = ("Normalise each feature (column) over the batch: mean and variance with axis=0, one value per "
               "feature, not of the whole array (no axis) or of each example (axis=1).")


def _with_updated_running_stats(c):
    """Train mode normalising with the running statistics just updated from this batch."""
    x, param = c["x"], c["bn_param"]
    d = x.shape[1]
    momentum = param.get("momentum", 0.9)
    mean = momentum * param.get("running_mean", np.zeros(d)) + (1 - momentum) * x.mean(axis=0)
    var = momentum * param.get("running_var", np.zeros(d)) + (1 - momentum) * x.var(axis=0)
    return c["gamma"] * (x - mean) / np.sqrt(var + _eps(c)) + c["beta"]


def _dx_eps_outside_sqrt(c):
    """The backward of the forward that divides by std + eps (x_hat and 1 / std both from it)."""
    x, dout = c["x"], c.dout
    n = x.shape[0]
    std = x.std(axis=0) + _eps(c)
    x_hat = (x - x.mean(axis=0)) / std
    dgamma = (dout * x_hat).sum(axis=0)
    return c["gamma"] / (n * std) * (n * dout - dout.sum(axis=0) - x_hat * dgamma)


def _dx_without_gamma(c):
    x_hat, inv_std = _x_hat(c)
    dout, n = c.dout, c["x"].shape[0]
    return inv_std / n * (n * dout - dout.sum(axis=0) - x_hat * (dout * x_hat).sum(axis=0))


DIAGONAL_ONLY = ("Your dx[i] uses dout[i] alone: but x_i also moves the batch mean and variance that every other "
                 "x_hat_j uses, so dx[i] gathers dout[j] of the whole batch: dx = gamma / (N * std) * (N * dout - "
                 "dout.sum(axis=0) - x_hat * (dout * x_hat).sum(axis=0)).")


def _dx_var_path_uses_x(c):
    """The right dx plus dvar * 2 * mean / N: the variance path written with x for x - mean."""
    x = c["x"]
    g = c.dout * c["gamma"]
    mean, var = x.mean(axis=0), x.var(axis=0) + _eps(c)
    dvar = -0.5 * (g * (x - mean)).sum(axis=0) * var ** -1.5
    return _right_dx(c) + dvar * 2 * mean / x.shape[0]


def _right_dx(c):
    x_hat, inv_std = _x_hat(c)
    g = c.dout * c["gamma"]
    return inv_std * (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0))


def _dx_diagonal_only(c):
    """dout times d x_hat_i / d x_i alone: the Jacobian's diagonal, without the other examples' terms."""
    x_hat, inv_std = _x_hat(c)
    n = c["x"].shape[0]
    return c.dout * c["gamma"] * inv_std * ((n - 1) - x_hat ** 2) / n


def _dx_diagonal_guessed(c):
    """dout times a per-feature guess at d x_hat_i / d x_i, (1 - 1/N) / std - (N - 1) / (2 N**2 std**3): the
    diagonal's variance term with (x_i - mean) ** 2 / N written as (N - 1) / (2 N**2), the same for every row."""
    inv_std = _x_hat(c)[1]
    n = c["x"].shape[0]
    return c.dout * c["gamma"] * ((1 - 1 / n) * inv_std - (n - 1) / (2 * n ** 2) * inv_std ** 3)


def _batchnorm_dx_paths(c) -> list[Path]:
    x_hat, inv_std = _x_hat(c)
    g = c["gamma"] * c.dout                     # the gradient reaching x_hat
    return [
        Path("the direct path (x -> x_hat)", g * inv_std,
             "the direct path is dout * gamma / std.", "direct_path_wrong"),
        Path("the path through the batch mean", -inv_std * g.mean(axis=0) * np.ones_like(c["x"]),
             "the mean depends on every x_i, so x also reaches the output through x - mean: that path adds "
             "-mean(dout * gamma, axis=0) / std.", "mean_path_wrong", "missing_mean_path"),
        Path("the path through the batch variance", -inv_std * x_hat * (g * x_hat).mean(axis=0),
             "the variance depends on every x_i too: that path adds -x_hat * mean(dout * gamma * x_hat, axis=0) / std "
             "(through d var / dx = 2 (x - mean) / N).", "var_path_wrong", "missing_var_path"),
    ]


BATCHNORM = Hidden(
    lambda rng: {"N": _size(rng, 4, 12), "D": _size(rng, 2, 6)},
    work=({"N": 200, "D": 100},),
    edges=({"N": 3, "D": 3}, {"N": 5, "D": 1, "eps": 1e-3}),
    mistakes=(
        Mistake("eps_ignored", "out", "Use eps = bn_param.get('eps', 1e-5): this call's bn_param sets another eps.",
                lambda c: _batchnorm(c, np.sqrt(c["x"].var(axis=0) + 1e-5)), when=lambda c: _eps(c) != 1e-5),
        # No eps at all and a default far below 1e-5 (1e-8) give the same out on ordinary inputs: the hint
        # names both, under layers2's id for exactly that (eps_default_wrong is left to a default that is
        # too large, which the student's out does tell apart).
        Mistake("eps_left_out", "out", "out matches a division by np.sqrt(var) with no eps, or with an eps far "
                "below the docstring's 1e-5 (a default such as bn_param.get('eps', 1e-8)): x_hat = (x - mean) / "
                "np.sqrt(var + eps), with eps = bn_param.get('eps', 1e-5), in train mode as in test mode.",
                lambda c: _batchnorm(c, np.sqrt(c["x"].var(axis=0))), when=lambda c: _eps(c) >= 1e-5),
        Mistake("eps_default_wrong", "out", "This call's bn_param has no 'eps', and out matches eps = 1e-3: take "
                "eps = bn_param.get('eps', 1e-5), the docstring's default.",
                lambda c: _batchnorm(c, np.sqrt(c["x"].var(axis=0) + 1e-3)), when=lambda c: "eps" not in c["bn_param"]),
        Mistake("batchnorm_eps_subtracted", "out", "You subtract eps under the square root: np.sqrt(var - eps). eps is "
                "added, (x - mean) / np.sqrt(var + eps), so that a feature whose variance is 0 still divides by a "
                "positive number.", lambda c: _batchnorm(c, np.sqrt(c["x"].var(axis=0) - _eps(c)))),
        Mistake("batchnorm_precedence", "out", "Only the mean is divided by the square root: x - mean / np.sqrt(var + "
                "eps) divides before it subtracts. Put the difference in parentheses: (x - mean) / np.sqrt(var + eps).",
                lambda c: c["gamma"] * (c["x"] - c["x"].mean(axis=0) / np.sqrt(c["x"].var(axis=0) + _eps(c)))
                + c["beta"]),
        Mistake("batchnorm_var_not_summed", "out", "Your variance has x's shape (N, D): each entry's squared "
                "deviation divided by N, without the sum over the batch. The variance is one number per feature, "
                "var = np.sum((x - mean) ** 2, axis=0) / N (or x.var(axis=0)), shape (D,).",
                lambda c: _batchnorm(c, np.sqrt((c["x"] - c["x"].mean(axis=0)) ** 2 / c["x"].shape[0] + _eps(c))),
                when=lambda c: c["x"].shape[0] > 1),
        Mistake("batchnorm_unbiased_var", "out", "Use the biased batch variance x.var(axis=0) (divide by N, not N - 1).",
                lambda c: _batchnorm(c, np.sqrt(c["x"].var(axis=0, ddof=1) + _eps(c)))),
        Mistake("batchnorm_eps_outside_sqrt", "out", "Put eps inside the square root: (x - mean) / np.sqrt(var + eps).",
                lambda c: _batchnorm(c, c["x"].std(axis=0) + _eps(c))),
        Mistake("batchnorm_stats_not_per_feature", "out", PER_FEATURE,
                lambda c: c["gamma"] * (c["x"] - c["x"].mean()) / np.sqrt(c["x"].var() + _eps(c)) + c["beta"]),
        Mistake("batchnorm_stats_not_per_feature", "out", PER_FEATURE,
                lambda c: c["gamma"] * (c["x"] - c["x"].mean(axis=1, keepdims=True))
                / np.sqrt(c["x"].var(axis=1, keepdims=True) + _eps(c)) + c["beta"]),
        Mistake("train_mode_running_stats", "out", "In train mode normalise with this batch's own mean and variance; "
                "the running statistics are only updated there (after the batch is normalised), and used in test mode.",
                _with_updated_running_stats),
        Mistake("batchnorm_missing_beta", "out", "out is missing beta: out = gamma * x_hat + beta.",
                lambda c: _batchnorm(c, np.sqrt(c["x"].var(axis=0) + _eps(c)), beta=False)),
        Mistake("batchnorm_eps_outside_sqrt", "dx", "Your dx divides by np.sqrt(var) + eps: keep eps inside the square "
                "root, 1 / np.sqrt(var + eps), as the forward does (the two differ most where a feature's variance is "
                "small).", _dx_eps_outside_sqrt),
        Mistake("batchnorm_var_path_uses_x", "dx", "The path through the variance multiplies dvar by d var / dx = "
                "2 * (x - mean) / N: yours uses 2 * x / N, x without the batch mean subtracted.", _dx_var_path_uses_x),
        Mistake("batchnorm_dx_diagonal_only", "dx", DIAGONAL_ONLY, _dx_diagonal_only),
        Mistake("batchnorm_dx_diagonal_only", "dx", DIAGONAL_ONLY,
                lambda c: c.dout * c["gamma"] * _x_hat(c)[1] * (1 - 1 / c["x"].shape[0])),
        Mistake("batchnorm_dx_diagonal_only", "dx", DIAGONAL_ONLY, _dx_diagonal_guessed),
        Mistake("batchnorm_dx_missing_inv_std", "dx", "dx is missing the factor 1 / std that every path through x_hat "
                "carries (x_hat = (x - mean) / std): dx = (dx_hat - dx_hat.mean(axis=0) - x_hat * (dx_hat * "
                "x_hat).mean(axis=0)) / std, with dx_hat = dout * gamma and std = np.sqrt(var + eps).",
                lambda c: _right_dx(c) / _x_hat(c)[1]),
        Mistake("missing_gamma", "dx", "dx is missing gamma: out = gamma * x_hat + beta, so the gradient reaching "
                "x_hat is gamma * dout.", _dx_without_gamma),
        Mistake("dgamma_not_normalised", "dgamma", "dgamma = sum(dout * x_hat, axis=0): gamma multiplies the "
                "normalised x_hat = (x - mean) / std, not x - mean.",
                lambda c: (c.dout * (c["x"] - c["x"].mean(axis=0))).sum(axis=0)),
        Mistake("dgamma_from_raw_x", "dgamma", "dgamma = sum(dout * x_hat, axis=0): gamma multiplies the "
                "normalised x_hat = (x - mean) / np.sqrt(var + eps), not the raw input x.",
                lambda c: (c.dout * c["x"]).sum(axis=0)),
        Mistake("dbeta_times_gamma", "dbeta", "dbeta = sum(dout, axis=0): beta is added after gamma multiplies, so "
                "its local gradient is 1, not gamma.", lambda c: (c.dout * c["gamma"]).sum(axis=0)),
    ),
    chain_rule={"dx": ChainRule(_batchnorm_dx_paths, only_direct=(
        "missing_mean_var_paths", "{grad} is only the direct path: the paths through the batch mean and variance "
        "are missing. "), per_column=True, per_example=("batchnorm_dx_diagonal_only", DIAGONAL_ONLY))},
    mistake_ids=BATCHNORM_IDS)

HIDDEN = {"affine": AFFINE, "relu": RELU, "sigmoid": SIGMOID, "softmax": SOFTMAX, "batchnorm": BATCHNORM}
