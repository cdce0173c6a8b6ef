"""The layers assignment (Stanford CS231n API), declared: affine, ReLU, sigmoid, softmax loss, batchnorm.

What students may see of the grader's knowledge (this file ships in a release): the functions, how
inputs are drawn, the stability inputs, ReLU's convention at 0, batchnorm's running statistics and
the layers' own shape and exception hints. The hidden shapes, the known mistakes and the chain-rule
paths are in reference/layers/hidden.py.
"""
from __future__ import annotations

import re

import numpy as np

from grader.declare import (PASS, Convention, Exercise, Extreme, Finding, Rejection, Stability, State, Status,
                            allclose, choose_limit, constant_at, failing_line)

# --- affine --------------------------------------------------------------------------------------


def _affine_inputs(rng: np.random.Generator, config: dict):
    """x (N, *dims) flattens to (N, D); w (D, M); b (M,)."""
    n, dims, m = config["N"], tuple(config["dims"]), config["M"]
    d = int(np.prod(dims))
    return {
        "x": rng.normal(size=(n, *dims)),
        "w": rng.normal(size=(d, m)) / np.sqrt(d),
        "b": rng.normal(size=(m,)),
    }, ()


def _affine_output_shape(out_shape, expected, hint, kind, case):
    """An output with more than two axes: x was never flattened to (N, D)."""
    if len(out_shape) <= 2:
        return hint, kind, None
    if kind not in ("keepdims", "squeezed"):
        hint = "Flatten x to (N, D) first: x.reshape(x.shape[0], -1)."
    return hint, kind, "affine_not_flattened"


def _affine_error(error, function, case):
    """A product that meets x with all its axes (its shape is in the message): x was never
    flattened. Only where the message shows it (a hidden case's message is withheld)."""
    message = error.get("message", "")
    if error.get("type") != "ValueError" or case is None or function != case.exercise.forward:
        return None
    x = case.arrays["x"]
    shapes = {tuple(int(n) for n in found.split(",") if n.strip()) for found in re.findall(r"\(([\d, ]+)\)", message)}
    if x.ndim > 2 and tuple(x.shape) in shapes:
        return (f"x of shape {tuple(x.shape)} goes into the matrix product as it is: flatten it to (N, D) first, "
                "x.reshape(x.shape[0], -1) @ w + b.", "affine_not_flattened")
    # Without the message (a hidden case), the student's own line proves it: the forward's x itself
    # is a factor of the product, on an x with more than two axes.
    line = failing_line(error.get("traceback", ""))
    if x.ndim > 2 and not message and _X_IN_PRODUCT.search(line) and "reshape" not in line:
        return ("x goes into the matrix product as it is, and here it has more than two axes: flatten it to (N, D) "
                "first, x.reshape(x.shape[0], -1) @ w + b.", "affine_not_flattened")
    return None


# x itself as a factor of a matrix product: np.dot(x, w), np.matmul(x, w), x.dot(w), x @ w
_X_IN_PRODUCT = re.compile(r"(?:\b(?:dot|matmul)\(\s*x\s*,|(?<![\w.])x\s*@|(?<![\w.])x\.dot\()")


# --- relu: 0 is the kink -------------------------------------------------------------------------

def _away_from_zero(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    """Normal values with |x| >= 0.1, so no numerical gradient straddles ReLU's kink."""
    x = rng.normal(size=shape)
    return np.where(np.abs(x) < 0.1, np.sign(x + 1e-12) * (0.1 + np.abs(x)), x)


def _relu_inputs(rng: np.random.Generator, config: dict):
    return {"x": _away_from_zero(rng, tuple(config["x"]))}, ()


def _relu_output_shape(out_shape, expected, hint, kind, case):
    """np.max(x, 0) is a reduction over axis 0, not the elementwise max with 0."""
    if tuple(out_shape) == tuple(expected)[1:]:
        return ("np.max(x, 0) takes the maximum over axis 0 (a reduction): the elementwise maximum with 0 is "
                "np.maximum(x, 0)."), kind, "np_max_not_maximum"
    return hint, kind, None


def _plant_zeros(case) -> dict[str, np.ndarray]:
    """Exact zeros planted in every other position."""
    x = case.arrays["x"].copy()
    x.flat[::2] = 0.0
    return {**case.arrays, "x": x}


def _judge_zeros(case, grads) -> Finding:
    """relu'(0) is undefined and any value in [0, 1] is a valid subgradient, so at x == 0 any dx with
    0 <= dx / dout <= 1 is accepted (the masks x > 0 and x >= 0 both pass); 2 * dout or -dout is not."""
    (dx,) = grads
    x, dout = case.arrays["x"], case.dout
    at_zero = (x == 0) & (dout != 0)
    if not np.all(np.isfinite(dx[at_zero])):
        return Finding(Status.FAILED, "relu_backward gives NaN or inf where x == 0",
                       "Something divides by x (or takes its log) there: the mask is a comparison, dout * (x > 0), "
                       "not x / abs(x).", "relu_kink_not_finite")
    ratio = dx[at_zero] / dout[at_zero]
    if not np.all((ratio >= -1e-12) & (ratio <= 1 + 1e-12)):
        return Finding(Status.FAILED, "at x == 0 relu_backward gives a dx outside [0, dout]",
                       "ReLU's gradient at exactly 0 may be anything from 0 to 1 (x > 0 and x >= 0 are both "
                       "fine), so dx there must lie between 0 and dout: not 2 * dout, not -dout.",
                       "relu_kink_out_of_range")
    clear = x != 0
    if not np.allclose(dx[clear], (dout * (x > 0))[clear], rtol=1e-12, atol=1e-15):
        return Finding(Status.FAILED, "relu_backward is wrong when some inputs are exactly 0",
                       "dx = dout where x > 0, and 0 where x < 0: the exact zeros must not change the mask "
                       "elsewhere.", "relu_kink_wrong_elsewhere")
    return PASS


# --- sigmoid -------------------------------------------------------------------------------------

def _sigmoid_inputs(rng: np.random.Generator, config: dict):
    return {"x": 2.0 * rng.normal(size=tuple(config["x"]))}, ()


def _plant_large(case) -> dict[str, np.ndarray]:
    """+-1e3, +-500, +-40: one of exp(x), exp(-x) overflows."""
    x = case.arrays["x"].copy()
    values = np.array([-1000.0, 1000.0, -500.0, 500.0, -40.0, 40.0, 0.5])
    x.flat[: min(x.size, values.size)] = values[: x.size]
    return {"x": x}


SIGMOID_STABILITY = Stability(
    (Extreme(_plant_large),),
    "For large |x| one of exp(x), exp(-x) overflows: use 1 / (1 + exp(-x)) for x >= 0 and "
    "exp(x) / (1 + exp(x)) for x < 0, or np.exp(-np.logaddexp(0, -x)).",
    "sigmoid_overflow")


# --- softmax loss --------------------------------------------------------------------------------

def _softmax_inputs(rng: np.random.Generator, config: dict):
    n, c = config["N"], config["C"]
    x = rng.normal(size=(n, c)) + config.get("offset", 0.0)
    y = rng.integers(0, c, size=n).astype(np.int64)
    return {"x": x}, (y,)


def _large_logits(case) -> dict[str, np.ndarray]:
    """Logits around 1e3: exp overflows unless the row max is subtracted."""
    return {"x": case.arrays["x"] + 1000.0}


def _spread_logits(case) -> dict[str, np.ndarray]:
    """Logits around 1e3 where, in every other row, the correct class scores 1e3 below the rest: its
    probability underflows to 0 and log(probs) is -inf there, while log-sum-exp gives the finite
    loss (about 1e3 for that row)."""
    x = case.arrays["x"] + 1000.0
    rows = np.arange(0, x.shape[0], 2)
    x[rows, case["y"][rows]] -= 1000.0
    return {"x": x}


# A finite but huge-spread softmax: the max shift was done, but log(probs) of an underflowed 0.
LOG_SUM_EXP_HINT = ("The loss is inf when the scores of a row are far apart: after the max shift, exp of a very "
                    "negative score underflows to 0, and -log(0) is inf. Compute log-probabilities with "
                    "log-sum-exp instead of log(probs): log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, "
                    "keepdims=True)), then loss = -log_probs[np.arange(N), y].mean().")

def _rows_apart(case) -> dict[str, np.ndarray]:
    """Every other row 1e3 above the rest: shifting by the batch's max (not each row's) leaves the
    lower rows at -1e3, whose exps all underflow to 0 (a 0 / 0 or a log of 0)."""
    x = case.arrays["x"].copy()
    x[::2] += 1000.0
    return {"x": x}


SOFTMAX_STABILITY = Stability(
    (Extreme(_large_logits),
     Extreme(_spread_logits, " with scores 1e3 apart", LOG_SUM_EXP_HINT, "softmax_log_underflow",
             only_if_not_finite=True),
     Extreme(_rows_apart, " with rows 1e3 apart",
             "Subtract each row's own max, x.max(axis=1, keepdims=True), not the max of the whole batch: when rows "
             "lie far apart, the batch's max pushes every exp of the lower rows to 0.", "softmax_batch_max_shift",
             only_if_not_finite=True)),
    "Subtract each row's max from the scores before exp (the softmax is unchanged and exp can no "
    "longer overflow), and take log-probabilities as shifted - log(sum(exp(shifted))) rather than "
    "log(probs): a probability that underflows to 0 gives log of 0 = -inf.",
    "softmax_overflow")


_OUT_OF_BOUNDS = re.compile(r"index (\d+) is out of bounds for axis \d+ with size (\d+)")


def _softmax_error(error, function, case):
    """An (N, k) one-hot with k < C meets the (N, C) probabilities (k = y.max() + 1); an index that
    reaches C on an axis of C classes (a loop over a fixed number of classes)."""
    message = error.get("message", "")
    chosen = choose_limit(error, case.arrays["x"].shape[1]) if case is not None else None
    if chosen:
        return chosen
    found = _OUT_OF_BOUNDS.search(message)
    if error.get("type") == "IndexError" and found and case is not None:
        n, c = case.arrays["x"].shape
        index, size = int(found.group(1)), int(found.group(2))
        if size == c != n and index >= c:
            return (f"An index reached {index} on an axis of the {c} classes (0 to {c - 1}): a loop over the classes "
                    "runs past the last one. Loop over range(C) with C = x.shape[1], not a fixed number such as 10 "
                    "(CIFAR-10's classes).", "class_index_past_end")
    if error.get("type") != "ValueError" or "broadcast" not in message or case is None \
            or function != case.exercise.forward:
        return None
    n, c = case.arrays["x"].shape
    shapes = re.findall(r"\((\d+),(\d+)\)", message)
    if any(int(a) == n and int(b) < c for a, b in shapes) and any((int(a), int(b)) == (n, c) for a, b in shapes):
        return (f"The one-hot needs C = x.shape[1] = {c} columns even when some classes are absent from y: "
                "np.eye(C)[y] or np.zeros_like(x), not y.max() + 1.", "softmax_onehot_width")
    return None


# --- batchnorm -----------------------------------------------------------------------------------

def _batchnorm_inputs(rng: np.random.Generator, config: dict):
    """x with per-feature scale and shift (so normalising matters); train mode unless configured."""
    n, d = config["N"], config["D"]
    x = rng.normal(size=(n, d)) * rng.uniform(0.5, 3.0, size=d) + rng.normal(size=d) * 2
    for column in config.get("constant_features", []):
        x[:, column] = 1.5
    bn_param = {"mode": config.get("mode", "train")}
    for key in ("eps", "momentum"):
        if key in config:
            bn_param[key] = config[key]
    return {"x": x, "gamma": rng.normal(size=d) + 1.0, "beta": rng.normal(size=d)}, (bn_param,)


def _large_mean(case) -> dict[str, np.ndarray]:
    """Features around 1e8 with a spread of about 1: E[x^2] - E[x]^2 cancels catastrophically."""
    arrays = {k: v.copy() for k, v in case.arrays.items()}
    arrays["x"] = case.arrays["x"] + 1e8
    return arrays


BATCHNORM_STABILITY = Stability(
    (Extreme(constant_at(lambda case: (slice(None), 0))),   # a feature with zero variance
     Extreme(_large_mean, " with features around 1e8",
             "Compute the variance from deviations, ((x - mean) ** 2).mean(axis=0) or x.var(axis=0): E[x^2] - E[x]^2 "
             "subtracts two huge, nearly equal numbers when a feature's mean is large, and loses every digit.",
             "batchnorm_variance_cancellation")),
    "A feature can have zero variance (a constant column, or every column when N = 1): divide by "
    "np.sqrt(var + eps), never by np.sqrt(var).",
    "batchnorm_zero_variance")

DEFAULT_EPS, DEFAULT_MOMENTUM = 1e-5, 0.9


def _train_train_test(case) -> list[tuple[tuple[np.ndarray, ...], str]]:
    """Two train batches, then a test batch, drawn from the case's inputs."""
    x, gamma, beta = case.arrays["x"], case.arrays["gamma"], case.arrays["beta"]
    return [((x, gamma, beta), "train"), ((x[::-1] * 1.7 + 0.3, gamma, beta), "train"),
            ((x * 0.5 - 1.0, gamma, beta), "test")]


def _update(running: np.ndarray, batch: np.ndarray, momentum: float) -> np.ndarray:
    return momentum * running + (1 - momentum) * batch


def _running_mistake(key: str, value, before: dict, arrays, settings: dict, expected: np.ndarray) -> tuple[str, str]:
    """(hint, mistake id) for a wrong bn_param[key] after a train call on `arrays`, given bn_param's
    statistics `before` that call (the reference's; zeros on the first call): the value is compared
    with what each usual mistake would have stored."""
    x = arrays[0]
    value = np.asarray(value, dtype=np.float64)
    d = x.shape[1]
    start = np.asarray(before.get(key, np.zeros(d)), dtype=np.float64)
    if value.shape != expected.shape:
        if value.size == expected.size:
            return (f"bn_param['{key}'] has shape {value.shape}, expected ({d},): take the statistics with "
                    "x.mean(axis=0) / x.var(axis=0) without keepdims=True.", "running_stats_keepdims")
        return f"bn_param['{key}'] must have shape ({d},), one value per feature.", "running_stats_wrong"
    momentum = settings.get("momentum", DEFAULT_MOMENTUM)
    statistic, name = (np.mean, "mean") if key == "running_mean" else (np.var, "variance")
    batch = statistic(x, axis=0)
    variants = [
        (batch, f"bn_param['{key}'] holds this batch's statistic alone: the running value must keep its past, "
         "running = momentum * running + (1 - momentum) * batch statistic (the old running value, not the batch's, "
         "is what momentum multiplies).", "running_stats_replaced"),
        (_update(start, batch, 1 - momentum), "momentum is on the wrong side: running = momentum * running + "
         "(1 - momentum) * batch statistic (momentum weighs the old value).", "running_momentum_swapped"),
        (start, f"bn_param['{key}'] was never updated: after each train batch, set bn_param['{key}'] = "
         "momentum * running + (1 - momentum) * batch statistic.", "running_stats_not_updated"),
        # a leftover update line before the one that counts: momentum ** 2 * running + ...
        (_update(_update(start, batch, momentum), batch, momentum),
         f"bn_param['{key}'] moved towards this batch twice in one train call: the update runs twice (a line "
         "left over above the train branch's own?). Update each statistic once per train call.",
         "running_stats_updated_twice"),
    ]
    variants.append((_update(start, np.full(d, statistic(x)), momentum),
                     f"{key} averages each feature's own {name}, with axis=0: without an axis it is the {name} of the "
                     "whole batch, one number for every feature.", "running_stats_not_per_feature"))
    if momentum != DEFAULT_MOMENTUM:
        variants.append((_update(start, batch, DEFAULT_MOMENTUM),
                         "Use bn_param.get('momentum', 0.9): this call's bn_param sets another momentum.",
                         "running_momentum_ignored"))
    if key == "running_var":
        variants.append((_update(start, x.var(axis=0, ddof=1), momentum),
                         "Update running_var with the biased batch variance x.var(axis=0), the one the "
                         "normalisation uses (divide by N, not N - 1).", "running_var_unbiased"))
        variants.append((_update(start, x.mean(axis=0), momentum),
                         "running_var averages the batch's variance, x.var(axis=0): yours is updated with the batch's "
                         "mean (the line for running_mean, copied?).", "running_var_from_mean"))
        variants.append((_update(start, x.std(axis=0), momentum),
                         "running_var averages the batch's variance x.var(axis=0), not its standard deviation: test "
                         "mode takes the square root of running_var + eps itself.", "running_var_std"))
        # the std the normalisation divides by, np.sqrt(var + eps), stored as it is
        variants.append((_update(start, np.sqrt(x.var(axis=0) + settings.get("eps", DEFAULT_EPS)), momentum),
                         "running_var averages the batch's variance x.var(axis=0), not its standard deviation "
                         "np.sqrt(var + eps) (the one the normalisation divides by): test mode takes the square root "
                         "of running_var + eps itself.", "running_var_std"))
        variants.append((_update(start, x.var(axis=0) + settings.get("eps", DEFAULT_EPS), momentum),
                         "running_var averages the batch's variance alone: eps is added where test mode divides, "
                         "np.sqrt(running_var + eps), not stored in running_var.", "running_var_plus_eps"))
        # running_var = momentum * running_mean + ...: the running_mean line copied, after (or before) its update
        old_mean = np.asarray(before.get("running_mean", np.zeros(d)), dtype=np.float64)
        for running_mean in (_update(old_mean, x.mean(axis=0), momentum), old_mean):
            variants.append((_update(running_mean, x.var(axis=0), momentum),
                             "running_var = momentum * running_var + (1 - momentum) * var: yours decays the running "
                             "mean instead, momentum * running_mean + ... (the running_mean line copied?).",
                             "running_var_decays_running_mean"))
    for candidate, hint, mistake in variants:
        if not np.array_equal(candidate, expected) and allclose(value, candidate):
            return hint, mistake
    return ("running = momentum * running + (1 - momentum) * batch statistic, with the biased batch variance; "
            "start from zeros when bn_param has none; use the given momentum."), "running_stats_wrong"


def _test_mode_mistake(out, arrays, param: dict, expected: np.ndarray) -> tuple[str, str]:
    """(hint, mistake id) for a wrong test-mode output, against the usual wrong test modes."""
    x, gamma, beta = arrays
    eps = param.get("eps", DEFAULT_EPS)
    mean, var = param["running_mean"], param["running_var"]
    # The running statistics updated from the test batch before the mode branch, then used.
    momentum = param.get("momentum", 0.9)
    moved_mean = momentum * mean + (1 - momentum) * x.mean(axis=0)
    moved_var = momentum * var + (1 - momentum) * x.var(axis=0)
    variants = [
        (gamma * (x - moved_mean) / np.sqrt(moved_var + eps) + beta,
         "Your test mode normalises with running statistics moved towards this test batch: the update of "
         "running_mean and running_var runs before the mode is looked at. In test mode only read them: update them "
         "inside the train branch.", "test_mode_changed_running_stats"),
        (gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps) + beta,
         "In test mode normalise with bn_param['running_mean'] and bn_param['running_var'], not with the test "
         "batch's own mean and variance.", "test_mode_batch_stats"),
        (gamma * (x - mean) / np.sqrt(x.var(axis=0) + eps) + beta,
         "In test mode divide by np.sqrt(bn_param['running_var'] + eps), not by the test batch's own variance "
         "(you already use running_mean).", "test_mode_batch_var"),
        (gamma * (x - mean) / (x.std(axis=0) + eps) + beta,
         "In test mode divide by np.sqrt(bn_param['running_var'] + eps), not by the test batch's own std "
         "(you already use running_mean); and keep eps inside the square root.", "test_mode_batch_var"),
        (gamma * (x - mean) / np.sqrt(var) + beta,
         "In test mode add eps too: (x - running_mean) / np.sqrt(running_var + eps).", "test_mode_no_eps")
        if "eps" in param else
        # Only the run with the default eps fails (the one with eps given passed, so eps is added):
        # the default is what is missing or too small.
        (gamma * (x - mean) / np.sqrt(var) + beta,
         "This call's bn_param has no 'eps', and your test mode adds a much smaller eps than 1e-5 (or none): take "
         "eps = bn_param.get('eps', 1e-5), the default the docstring gives.", "eps_default_wrong"),
        (gamma * (x - mean) / (np.sqrt(var) + eps) + beta,
         "In test mode put eps inside the square root: (x - running_mean) / np.sqrt(running_var + eps).",
         "test_mode_eps_outside_sqrt"),
        (gamma * (x - mean) / (var + eps) + beta,
         "In test mode divide by the square root: (x - running_mean) / np.sqrt(running_var + eps). running_var is "
         "a variance, not a standard deviation.", "test_mode_var_not_sqrt"),
        (gamma * (x - mean) / np.sqrt(var + eps),
         "In test mode add beta too: out = gamma * x_hat + beta, as in train mode.", "test_mode_missing_beta"),
        ((x - mean) / np.sqrt(var + eps),
         "Your test mode returns x_hat, the normalised x, without the scale and shift: out = gamma * x_hat + beta, "
         "as in train mode.", "test_mode_missing_gamma_beta"),
        ((x - mean) / np.sqrt(var + eps) + beta,
         "In test mode scale by gamma too: out = gamma * x_hat + beta, as in train mode.", "test_mode_missing_gamma"),
        (gamma * (x - mean) / np.sqrt(var - eps) + beta,
         "In test mode you subtract eps under the square root: eps is added, (x - running_mean) / "
         "np.sqrt(running_var + eps).", "batchnorm_eps_subtracted"),
        (gamma * (x - mean / np.sqrt(var + eps)) + beta,
         "In test mode only running_mean is divided by the square root: x - running_mean / np.sqrt(...) divides "
         "before it subtracts. Put the difference in parentheses: (x - running_mean) / np.sqrt(running_var + eps).",
         "batchnorm_precedence"),
    ]
    if eps != DEFAULT_EPS:
        variants.append((gamma * (x - mean) / np.sqrt(var + DEFAULT_EPS) + beta,
                         "Use eps = bn_param.get('eps', 1e-5): this call's bn_param sets another eps.",
                         "eps_ignored"))
    if "eps" not in param:
        variants.append((gamma * (x - mean) / np.sqrt(var + 1e-3) + beta,
                         "This call's bn_param has no 'eps', and your test mode adds eps = 1e-3: take eps = "
                         "bn_param.get('eps', 1e-5), the default the docstring gives.", "eps_default_wrong"))
    for candidate, hint, mistake in variants:
        if np.shape(out) == candidate.shape and not np.array_equal(candidate, expected) and allclose(out, candidate):
            return hint, mistake
    return ("In test mode: out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta, with the "
            "running statistics from bn_param."), "test_mode_wrong"


def _unknown_mode(case) -> dict:
    """bn_param with a mode that is neither 'train' nor 'test' (a caller's 'validation')."""
    return {"bn_param": {**case.extras[0], "mode": "validation"}}


BATCHNORM_REJECTS = (Rejection(
    _unknown_mode, "ValueError", "bn_param['mode'] = 'validation'",
    "Only 'train' and 'test' are modes: check the mode first and raise ValueError for anything else (else: raise "
    "ValueError(...)), so that a caller's typo is not quietly treated as test mode.", "batchnorm_invalid_mode"),)


BATCHNORM_STATE = State(
    param="bn_param", keys=("running_mean", "running_var"), sequence=_train_train_test,
    settings=({"eps": 1e-3, "momentum": 0.7}, {}),
    diagnose_state=_running_mistake, diagnose_output=_test_mode_mistake,
    # test mode before any train call: the starter reads the statistics with defaults of zeros
    fresh="test", fresh_hint="bn_param has no running statistics before the first train call: read them with "
    "bn_param.get('running_mean', np.zeros(D)) and bn_param.get('running_var', np.zeros(D)), in test mode too.",
    fresh_mistake="running_stats_default_wrong")


# The mistake ids this half of the declarations can give, with their meaning (the dashboard's and the
# README's catalogue; a published id never changes meaning).
RELU_IDS = {
    "relu_kink_not_finite": "relu_backward gives NaN or inf at x == 0 (a division by x)",
    "relu_kink_out_of_range": "relu_backward at x == 0 gives dx outside [0, dout] (e.g. 2 * dout or -dout)",
    "relu_kink_wrong_elsewhere": "relu_backward is wrong away from 0 once exact zeros are in the input",
}

SOFTMAX_IDS = {
    "softmax_batch_max_shift": "softmax_loss subtracts the batch's max instead of each row's: rows far apart underflow",
    "softmax_overflow": "softmax_loss overflows on large logits: the row max is not subtracted before exp",
    "softmax_log_underflow": "softmax_loss takes log of a probability that underflows to 0: use log-sum-exp",
    "class_index_past_end": "an index over the classes reaches C: a loop over a fixed number of classes (range(10)) or one past the last",
    "softmax_onehot_width": "softmax builds the one-hot with y.max() + 1 columns instead of C (breaks when a class is absent)",
}

SIGMOID_IDS = {
    "sigmoid_overflow": "the sigmoid overflows for large |x|",
}

BATCHNORM_IDS = {
    "batchnorm_variance_cancellation": "batchnorm computes the variance as E[x^2] - E[x]^2, which cancels when the mean is large",
    "batchnorm_invalid_mode": "batchnorm_forward does not raise ValueError for a bn_param['mode'] other than 'train' or 'test'",
    "test_mode_eps_outside_sqrt": "batchnorm in test mode adds eps outside the square root: sqrt(running_var) + eps",
    "test_mode_var_not_sqrt": "batchnorm in test mode divides by running_var + eps, without the square root",
    "test_mode_changed_running_stats": "batchnorm in test mode changes the running statistics (an update before the mode branch)",
    "batchnorm_zero_variance": "batchnorm divides by sqrt(var) without eps: a constant feature gives NaN or inf",
    "running_stats_not_stored": "batchnorm does not write running_mean / running_var back into bn_param",
    "running_stats_not_updated": "batchnorm never updates the running statistics (they stay at their start)",
    "running_stats_updated_twice": "batchnorm updates the running statistics twice per train call (momentum ** 2 * running + ...)",
    "running_momentum_swapped": "batchnorm's update has momentum on the wrong side: (1 - m) * running + m * batch",
    "running_momentum_ignored": "batchnorm ignores bn_param['momentum'] (a hard-coded momentum)",
    "running_var_unbiased": "batchnorm's running variance uses the unbiased variance (ddof=1)",
    "running_stats_replaced": "batchnorm's running statistics are replaced by the batch's (momentum * batch + (1 - momentum) * batch)",
    "running_stats_not_per_feature": "batchnorm's running statistics are updated with the whole batch's mean or variance (no axis), not each feature's",
    "running_var_from_mean": "batchnorm's running variance is updated with the batch's mean",
    "running_var_std": "batchnorm's running variance is updated with the batch's standard deviation instead of its variance",
    "running_var_plus_eps": "batchnorm's running variance is updated with var + eps instead of the batch's variance",
    "running_var_decays_running_mean": "batchnorm's running variance decays the running mean instead of itself: "
                                       "momentum * running_mean + (1 - momentum) * var",
    "running_stats_keepdims": "batchnorm stores running statistics of shape (1, D) instead of (D,)",
    "running_stats_wrong": "batchnorm's running statistics are wrong, with no more specific cause known",
    "running_stats_default_wrong": "batchnorm in test mode, on a bn_param without running statistics, does not start "
                                   "from zeros",
    "test_mode_batch_stats": "batchnorm in test mode normalises with the test batch's own statistics",
    "test_mode_batch_var": "batchnorm in test mode uses running_mean but the test batch's own variance (or std)",
    "test_mode_no_eps": "batchnorm in test mode divides by sqrt(running_var) without eps",
    "test_mode_missing_beta": "batchnorm's test-mode output leaves out beta",
    "test_mode_missing_gamma": "batchnorm's test-mode output leaves out gamma",
    "test_mode_missing_gamma_beta": "batchnorm's test-mode output is x_hat alone, without gamma and beta",
    "eps_ignored": "batchnorm ignores bn_param['eps'] (a hard-coded eps)",
    "test_mode_wrong": "batchnorm's test-mode output is wrong, with no more specific cause known",
}

AFFINE_IDS = {
    "affine_not_flattened": "affine_forward does not flatten x to (N, D) first",
}

EXERCISES = [
    Exercise("affine", "affine_forward", "affine_backward", ("x", "w", "b"), _affine_inputs, batched=True,
             broadcast=("b",), shape_puzzle=True, output_shape=_affine_output_shape, error_hint=_affine_error,
             mistake_ids=AFFINE_IDS),
    Exercise("relu", "relu_forward", "relu_backward", ("x",), _relu_inputs, batched=True,
             convention=Convention(_plant_zeros, _judge_zeros), output_shape=_relu_output_shape,
             mistake_ids=RELU_IDS),
    Exercise("sigmoid", "sigmoid_forward", "sigmoid_backward", ("x",), _sigmoid_inputs, batched=True,
             stability=SIGMOID_STABILITY, mistake_ids=SIGMOID_IDS),
    Exercise("softmax", "softmax_loss", None, ("x",), _softmax_inputs, extras=("y",), batched=True,
             stability=SOFTMAX_STABILITY, error_hint=_softmax_error, mistake_ids=SOFTMAX_IDS),
    Exercise("batchnorm", "batchnorm_forward", "batchnorm_backward", ("x", "gamma", "beta"), _batchnorm_inputs,
             extras=("bn_param",), batched=True, broadcast=("gamma", "beta"), describe=lambda extras: f", {extras[0]}",
             stability=BATCHNORM_STABILITY, state=BATCHNORM_STATE, rejects=BATCHNORM_REJECTS,
             mistake_ids=BATCHNORM_IDS),
]
