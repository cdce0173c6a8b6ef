"""The layers2 assignment's hidden half: hidden shapes, known mistakes and chain-rule paths. Never
shipped to students. The mistakes are the wrong answers real students' layers.py files give (read in
public repositories), computed here on the case's own inputs.
"""
from __future__ import annotations

import ast
import pathlib

import numpy as np

from grader.declare import ChainRule, Hidden, Mistake, Path


def _computable(value, condition=lambda c: True):
    """A mistake's `when`: `condition` holds and the wrong answer exists on this case (a student's
    code making this mistake would raise on the others: an index past the array, a negative size)."""
    def when(c) -> bool:
        if not condition(c):
            return False
        try:
            value(c)
        except (IndexError, ValueError):
            return False
        return True
    return when


def _size(rng: np.random.Generator, low: int, high: int) -> int:
    """An integer in [low, high]."""
    return int(rng.integers(low, high + 1))


# --- normalisation: x_hat, and the chain-rule paths of every normalisation layer --------------------


def _normalise(x, axes, eps):
    mean = x.mean(axis=axes, keepdims=True)
    inv_std = 1.0 / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    return (x - mean) * inv_std, inv_std


def _paths(x_hat, inv_std, g, axes, ids: str) -> list[Path]:
    """The three paths of dx from g = dL/dx_hat: direct, through the mean, through the variance."""
    prefix = "" if ids == "batchnorm" else ids + "_"
    return [
        Path("the direct path (x -> x_hat)", g * inv_std, "the direct path is dout * gamma / std.",
             "direct_path_wrong" if ids == "batchnorm" else prefix + "direct_path_wrong"),
        Path("the path through the mean", -inv_std * g.mean(axis=axes, keepdims=True) * np.ones_like(x_hat),
             "the mean depends on every x it is taken over, so x also reaches the output through x - mean: that "
             "path adds -mean(dout * gamma) / std, the mean taken over the normalised axes.",
             prefix + "mean_path_wrong", prefix + "missing_mean_path"),
        Path("the path through the variance", -inv_std * x_hat * (g * x_hat).mean(axis=axes, keepdims=True),
             "the variance depends on every x it is taken over too: that path adds -x_hat * mean(dout * gamma * "
             "x_hat) / std, the mean taken over the normalised axes.",
             prefix + "var_path_wrong", prefix + "missing_var_path"),
    ]


def _eps(c, param: str) -> float:
    return c[param].get("eps", 1e-5)


def _batchnorm_paths(c) -> list[Path]:
    x_hat, inv_std = _normalise(c["x"], 0, _eps(c, "bn_param"))
    return _paths(x_hat, inv_std, c.dout * c["gamma"], 0, "batchnorm")


def _batchnorm_without_gamma(c):
    return sum(p.value for p in _paths(*_normalise(c["x"], 0, _eps(c, "bn_param")), c.dout, 0, "batchnorm"))


def _layernorm_paths(c) -> list[Path]:
    x_hat, inv_std = _normalise(c["x"], 1, _eps(c, "ln_param"))
    return _paths(x_hat, inv_std, c.dout * c["gamma"], 1, "layernorm")


def _layernorm_without_gamma(c):
    """dx as if gamma were 1: dout, not dout * gamma, sent back through x_hat."""
    x_hat, inv_std = _normalise(c["x"], 1, _eps(c, "ln_param"))
    return sum(p.value for p in _paths(x_hat, inv_std, c.dout, 1, "layernorm"))


def _layernorm_dgamma_with_beta(c):
    """dgamma from x_hat + beta (beta added in place to the cached x_hat)."""
    x_hat, _ = _normalise(c["x"], 1, _eps(c, "ln_param"))
    return (c.dout * (x_hat + c["beta"])).sum(axis=0)


def _layernorm_over_batch(c):
    x_hat, _ = _normalise(c["x"], 0, _eps(c, "ln_param"))
    return c["gamma"] * x_hat + c["beta"]


def _layernorm_dx_over_batch(c):
    """The batchnorm backward pasted in: means over axis 0 instead of axis 1."""
    x_hat, inv_std = _normalise(c["x"], 1, _eps(c, "ln_param"))
    g = c.dout * c["gamma"]
    return inv_std * (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0))


def _without_eps(c, param: str, axes, sign: float = 0.0):
    """dx with the backward's std recomputed as sqrt(var + sign * eps): eps left out (sign 0) or
    subtracted (sign -1), while the forward used sqrt(var + eps)."""
    x = c["x"]
    x_hat, _ = _normalise(x, axes, _eps(c, param))
    inv_std = 1.0 / np.sqrt(x.var(axis=axes, keepdims=True) + sign * _eps(c, param))
    return sum(p.value for p in _paths(x_hat, inv_std, c.dout * c["gamma"], axes, "batchnorm"))


def _batchnorm_jacobian_diagonal(c):
    """Only d x_hat_i / d x_i, the diagonal of the Jacobian: x_i's effect on the other examples'
    x_hat_j through the batch mean and variance left out."""
    x_hat, inv_std = _normalise(c["x"], 0, _eps(c, "bn_param"))
    n = c["x"].shape[0]
    return c.dout * c["gamma"] * inv_std * (1 - 1.0 / n - x_hat ** 2 / n)


EPS_IDS = {
    "backward_std_without_eps": "the backward recomputes the std as sqrt(var) or sqrt(var - eps), not the forward's "
                                "sqrt(var + eps)",
}
EPS_HINT = ("The std in your backward must be the forward's, sqrt(var + eps): yours leaves eps out (or subtracts it). "
            "Keep std (or 1 / std) in the cache instead of recomputing it.")


EPS_LEFT_OUT = {
    "batchnorm_eps_outside_sqrt": "batchnorm adds eps outside the square root: std + eps",
}


def _eps_left_out_hint(param: str) -> str:
    return (f"eps is missing from the square root (or much smaller than the default): x_hat = (x - mean) / "
            f"np.sqrt(var + eps), with eps = {param}.get('eps', 1e-5).")


def _scaled(c, x_hat, channels=False):
    """gamma * x_hat + beta, gamma and beta (C,) put on axis 1 of a 4-D x when `channels`."""
    gamma, beta = c["gamma"], c["beta"]
    if channels:
        gamma, beta = gamma.reshape(1, -1, 1, 1), beta.reshape(1, -1, 1, 1)
    return gamma * x_hat + beta


def _without_eps_forward(c, axes, channels=False):
    """The forward's out with x_hat = (x - mean) / sqrt(var): no eps."""
    return _scaled(c, _normalise(c["x"], axes, 0.0)[0], channels)


def _eps_outside_sqrt(c, axes, param, channels=False):
    """The forward's out with x_hat = (x - mean) / (sqrt(var) + eps)."""
    x = c["x"]
    x_hat = (x - x.mean(axis=axes, keepdims=True)) / (x.std(axis=axes, keepdims=True) + _eps(c, param))
    return _scaled(c, x_hat, channels)


def _eps_given(param: str):
    """A case whose parameter dict sets an eps other than the default 1e-5."""
    return lambda c: _eps(c, param) != 1e-5


def _hard_coded_eps(c, axes, channels=False):
    """The forward's out with eps = 1e-5 written in, whatever the parameter dict says."""
    return _scaled(c, _normalise(c["x"], axes, 1e-5)[0], channels)


def _var_summed(c, axes, param):
    """The forward's out with the variance summed over `axes`, not averaged."""
    x = c["x"]
    count = np.prod([x.shape[a] for a in np.atleast_1d(axes)])
    centred = x - x.mean(axis=axes, keepdims=True)
    return _scaled(c, centred / np.sqrt(count * x.var(axis=axes, keepdims=True) + _eps(c, param)))


EPS_IGNORED_HINT = ("Use eps = {param}.get('eps', 1e-5) inside the square root: this call's {param} sets another eps "
                    "than the one you use.")
VAR_SUMMED = {"variance_summed": "a normalisation's variance is summed over its axis instead of averaged (np.sum for "
                                 "np.mean)"}
VAR_SUMMED_HINT = ("The variance is the MEAN of (x - mean) ** 2 over the normalised axis: yours is the sum "
                   "(np.var, or np.mean, not np.sum).")


BATCHNORM_IDS = {
    "missing_mean_path": "batchnorm dx is missing the path through the batch mean",
    "missing_var_path": "batchnorm dx is missing the path through the batch variance",
    "missing_mean_var_paths": "batchnorm dx is only the direct path: both paths through mean and variance are missing",
    "mean_path_wrong": "batchnorm dx's path through the mean has the wrong sign or factor",
    "var_path_wrong": "batchnorm dx's path through the variance has the wrong sign or factor (by N, by 2)",
    "direct_path_wrong": "batchnorm dx's direct path has the wrong factor (gamma or 1/std missing)",
    "missing_gamma": "batchnorm dx is missing the factor gamma",
    "batchnorm_alt_centres_with_var": "batchnorm dx's term through the variance centres x with the variance "
                                      "(x - var) instead of the mean (x - mean)",
    "batchnorm_jacobian_diagonal_only": "batchnorm dx keeps only d x_hat_i / d x_i (the Jacobian's diagonal): x_i's "
                                        "effect on the other examples through the mean and variance is left out",
    **EPS_IDS,
    **EPS_LEFT_OUT,
    **VAR_SUMMED,
}

def _batchnorm_centred_with_var(c):
    """The one-line dx with x - var where x - mean belongs in the term through the variance:
    gamma / std * (dout - mean(dout) - (x - var) / std**2 * mean(dout * (x - mean))), means over the batch."""
    x, d = c["x"], c.dout
    mean, var = x.mean(axis=0), x.var(axis=0)
    std2 = var + _eps(c, "bn_param")
    return c["gamma"] / np.sqrt(std2) * (d - d.mean(axis=0) - (x - var) / std2 * (d * (x - mean)).mean(axis=0))


JACOBIAN_DIAGONAL_HINT = ("Your dx_i uses only d x_hat_i / d x_i. But x_i is in the batch mean and variance, so it "
                          "moves every example's x_hat_j: sum over j, dx = gamma / std * (dout - mean(dout) - x_hat * "
                          "mean(dout * x_hat)), means over the batch (axis 0).")
# A dx proven to use each example's dout alone (grader.checks.dout_linearity.per_example), whatever its formula.
PER_EXAMPLE_HINT = ("Your dx_i uses dout_i alone. But x_i is in the batch mean and variance, so it moves every "
                    "example's x_hat_j: sum over j, dx = gamma / std * (dout - mean(dout) - x_hat * mean(dout * "
                    "x_hat)), means over the batch (axis 0).")


BATCHNORM_ALT = Hidden(
    lambda rng: {"N": _size(rng, 4, 10), "D": _size(rng, 2, 5)},
    work=({"N": 200, "D": 100},),
    edges=({"N": 3, "D": 3}, {"N": 7, "D": 2, "eps": 1e-2}),
    mistakes=(Mistake("missing_gamma", "dx", "dx is missing gamma: out = gamma * x_hat + beta, so the gradient "
                      "reaching x_hat is gamma * dout.", _batchnorm_without_gamma),
              Mistake("batchnorm_alt_centres_with_var", "dx", "In the term through the variance your dx has x - var "
                      "where the centred input x - mean belongs: dx = gamma / std * (dout - mean(dout) - (x - mean) "
                      "/ std**2 * mean(dout * (x - mean))), means over the batch (axis 0).",
                      _batchnorm_centred_with_var),
              Mistake("batchnorm_jacobian_diagonal_only", "dx", JACOBIAN_DIAGONAL_HINT, _batchnorm_jacobian_diagonal),
              Mistake("backward_std_without_eps", "dx", EPS_HINT, lambda c: _without_eps(c, "bn_param", 0)),
              Mistake("backward_std_without_eps", "dx", EPS_HINT, lambda c: _without_eps(c, "bn_param", 0, -1.0)),
              Mistake("eps_left_out", "out", _eps_left_out_hint("bn_param"), lambda c: _without_eps_forward(c, 0)),
              Mistake("eps_ignored", "out", EPS_IGNORED_HINT.format(param="bn_param"),
                      lambda c: _hard_coded_eps(c, 0), when=_eps_given("bn_param")),
              Mistake("variance_summed", "out", VAR_SUMMED_HINT, lambda c: _var_summed(c, 0, "bn_param")),
              Mistake("batchnorm_eps_outside_sqrt", "out", "Put eps inside the square root: (x - mean) / "
                      "np.sqrt(var + eps).", lambda c: _eps_outside_sqrt(c, 0, "bn_param"))),
    chain_rule={"dx": ChainRule(_batchnorm_paths, only_direct=(
        "missing_mean_var_paths", "{grad} is only the direct path: the paths through the batch mean and variance "
        "are missing. "), per_column=True, per_example=("batchnorm_jacobian_diagonal_only", PER_EXAMPLE_HINT))},
    mistake_ids=BATCHNORM_IDS)

def _layernorm_gamma_outside(c):
    """batchnorm_backward_alt's form with gamma factored out of the means, which run over the
    features here, along which gamma varies."""
    x_hat, inv_std = _normalise(c["x"], 1, _eps(c, "ln_param"))
    d = c.dout
    return c["gamma"] * inv_std * (d - d.mean(axis=1, keepdims=True) - x_hat * (d * x_hat).mean(axis=1, keepdims=True))


def _layernorm_half_adapted(c):
    """batchnorm_backward_alt's formula half adapted, N replaced by D: gamma outside, dout summed
    over the batch (axis 0), the variance term over the features (axis 1), all divided by D."""
    x_hat, inv_std = _normalise(c["x"], 1, _eps(c, "ln_param"))
    d, features = c.dout, c["x"].shape[1]
    return c["gamma"] * inv_std * (d - d.sum(axis=0) / features - x_hat * (d * x_hat).mean(axis=1, keepdims=True))


def _layernorm_var_path_uncentred(c):
    """The path through the variance with x where x - mean belongs: -x * mean(g * x) / std**3."""
    x = c["x"]
    _, inv_std = _normalise(x, 1, _eps(c, "ln_param"))
    g = c.dout * c["gamma"]
    return inv_std * (g - g.mean(axis=1, keepdims=True)) - inv_std ** 3 * x * (g * x).mean(axis=1, keepdims=True)


def _layernorm_divided_by_batch_size(c):
    """Each example's mean and variance summed over its D features and divided by N (batchnorm's count)."""
    x = c["x"]
    n = x.shape[0]
    mean = x.sum(axis=1, keepdims=True) / n
    var = ((x - mean) ** 2).sum(axis=1, keepdims=True) / n
    return _scaled(c, (x - mean) / np.sqrt(var + _eps(c, "ln_param")))


def _layernorm_var_divided_by_batch_size(c):
    """The mean right (over the D features, / D), the variance's sum of squares divided by N."""
    x = c["x"]
    centred = x - x.mean(axis=1, keepdims=True)
    var = (centred ** 2).sum(axis=1, keepdims=True) / x.shape[0]
    return _scaled(c, centred / np.sqrt(var + _eps(c, "ln_param")))


LAYERNORM_IDS = {
    "layernorm_stats_divided_by_batch_size": "layernorm_forward divides each example's sums over its D features by N "
                                             "(the batch size) instead of D",
    "layernorm_over_batch": "layernorm_forward normalises over the batch (axis 0, batchnorm's) instead of each example",
    "layernorm_dx_over_batch": "layernorm_backward takes batchnorm's means over axis 0 instead of axis 1",
    "layernorm_missing_mean_path": "layernorm dx is missing the path through each example's mean",
    "layernorm_missing_var_path": "layernorm dx is missing the path through each example's variance",
    "layernorm_mean_path_wrong": "layernorm dx's path through the mean has the wrong sign or factor",
    "layernorm_var_path_wrong": "layernorm dx's path through the variance has the wrong sign or factor",
    "layernorm_direct_path_wrong": "layernorm dx's direct path has the wrong factor (gamma or 1/std missing)",
    "layernorm_only_direct_path": "layernorm dx is only the direct path: the paths through mean and variance are missing",
    "layernorm_missing_gamma": "layernorm dx is missing the factor gamma (dout, not dout * gamma, sent back through x_hat)",
    "dgamma_includes_beta": "dgamma is summed from dout * (x_hat + beta): beta was added to the x_hat the cache keeps",
    "layernorm_gamma_outside_sums": "layernorm dx takes gamma out of the means over the features (batchnorm's "
                                    "one-line form), though gamma varies along them",
    "layernorm_var_path_uncentred": "layernorm dx's path through the variance uses x where x - mean belongs",
    "norm_eps_ignored": "layernorm / groupnorm ignores ln_param['eps'] / gn_param['eps'] (a hard-coded eps)",
    **VAR_SUMMED,
    **EPS_IDS,
    **EPS_LEFT_OUT,
}

LAYERNORM = Hidden(
    lambda rng: {"N": _size(rng, 2, 6), "D": _size(rng, 3, 8)},
    work=({"N": 2000, "D": 10},),
    edges=({"N": 1, "D": 5}, {"N": 4, "D": 2, "eps": 1e-2}),
    mistakes=(
        Mistake("layernorm_over_batch", "out", "Layer normalisation normalises each example over its own features: "
                "take the mean and variance over axis 1 (keepdims=True), not over the batch (axis 0).",
                _layernorm_over_batch),
        Mistake("layernorm_stats_divided_by_batch_size", "out", "Each example's mean and variance are averages over "
                "its D features (axis 1): divide the sums by D = x.shape[1], not by the batch size N (or use "
                "x.mean(axis=1, keepdims=True) and x.var(axis=1, keepdims=True)).", _layernorm_divided_by_batch_size,
                when=lambda c: c["x"].shape[0] != c["x"].shape[1]),
        Mistake("layernorm_stats_divided_by_batch_size", "out", "Each example's mean is right, but its variance is "
                "the sum of its squared deviations divided by the batch size N: the variance is an average over the "
                "example's D features too, so divide by D = x.shape[1] (or use x.var(axis=1, keepdims=True)).",
                _layernorm_var_divided_by_batch_size, when=lambda c: c["x"].shape[0] != c["x"].shape[1]),
        Mistake("layernorm_dx_over_batch", "dx", "This is batchnorm's backward: layernorm's means are over each "
                "example's features (axis 1, keepdims=True), not over the batch.", _layernorm_dx_over_batch),
        Mistake("layernorm_missing_gamma", "dx", "dx is missing gamma: out = gamma * x_hat + beta, so the gradient "
                "reaching x_hat is dout * gamma, and every path of dx (direct, mean, variance) starts from it.",
                _layernorm_without_gamma),
        Mistake("layernorm_gamma_outside_sums", "dx", "In batchnorm gamma can stand outside the means, which run over "
                "the batch; layernorm's run over the features, and gamma varies along them: take the means of "
                "g = dout * gamma, dx = (g - mean(g) - x_hat * mean(g * x_hat)) / std, means over axis 1.",
                _layernorm_gamma_outside),
        Mistake("layernorm_gamma_outside_sums", "dx", "This is batchnorm_backward_alt's formula half adapted: gamma "
                "stands outside means that run over the features, along which it varies, and the sum of dout still "
                "runs over the batch (axis 0). Take g = dout * gamma and every mean over axis 1: dx = (g - mean(g) - "
                "x_hat * mean(g * x_hat)) / std.", _layernorm_half_adapted),
        Mistake("layernorm_var_path_uncentred", "dx", "The path through the variance uses x where x - mean belongs: "
                "d var / dx = 2 (x - mean) / D, so that path is -x_hat * mean(g * x_hat) / std (g = dout * gamma).",
                _layernorm_var_path_uncentred),
        Mistake("backward_std_without_eps", "dx", EPS_HINT, lambda c: _without_eps(c, "ln_param", 1)),
        Mistake("backward_std_without_eps", "dx", EPS_HINT, lambda c: _without_eps(c, "ln_param", 1, -1.0)),
        Mistake("eps_left_out", "out", _eps_left_out_hint("ln_param"), lambda c: _without_eps_forward(c, 1)),
        Mistake("norm_eps_ignored", "out", EPS_IGNORED_HINT.format(param="ln_param"), lambda c: _hard_coded_eps(c, 1),
                when=_eps_given("ln_param")),
        Mistake("variance_summed", "out", VAR_SUMMED_HINT, lambda c: _var_summed(c, 1, "ln_param")),
        Mistake("dgamma_includes_beta", "dgamma", "dgamma = sum(dout * x_hat, axis=0): the x_hat you multiply by "
                "has beta added (a += on the array the cache keeps?). Keep x_hat itself for the backward.",
                _layernorm_dgamma_with_beta),
    ),
    chain_rule={"dx": ChainRule(_layernorm_paths, only_direct=(
        "layernorm_only_direct_path", "{grad} is only the direct path: the paths through each example's mean and "
        "variance are missing. "))},
    mistake_ids=LAYERNORM_IDS)


# --- dropout: the mask is drawn from the seed, as the student's forward draws it ----------------------


def _uniform(c) -> np.ndarray:
    """The uniform draws behind the mask: np.random.seed(seed), then np.random.rand(*x.shape)."""
    return np.random.RandomState(c["dropout_param"]["seed"]).random_sample(c["x"].shape)


def _training(c) -> bool:
    return c["dropout_param"]["mode"] == "train"


def _seeded(c) -> bool:
    """dropout_param has a seed (it is optional): a draw from it can be known."""
    return "seed" in c["dropout_param"]


def _reference_setting(name: str):
    """A setting of this course's reference solution, read from its source beside this file (never
    run here): both halves of the instructor's course then say the same."""
    tree = ast.parse(pathlib.Path(__file__).with_name("layers2.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise LookupError(f"reference/layers2/layers2.py sets no {name}")


# What dropout_param's p means in this course: "keep" (CS231n since 2017) or "drop" (before).
P_MEANS = _reference_setting("DROPOUT_P_MEANS")


def _keep(c) -> float:
    """The probability of keeping a unit."""
    p = c["dropout_param"]["p"]
    return p if P_MEANS == "keep" else 1.0 - p


def _kept(c) -> np.ndarray:
    return _uniform(c) < _keep(c)


def _two_meanings_differ(c) -> bool:
    """Training, with a p whose two meanings give different keep probabilities."""
    return _training(c) and 0 < _keep(c) < 1 and not np.isclose(_keep(c), 0.5)


DROPOUT_IDS = {
    "dropout_p_is_drop_probability": "dropout treats p as the probability of dropping a unit (the pre-2017 convention)",
    "dropout_p_is_keep_probability": "dropout treats p as the probability of keeping a unit, in a course whose p is the "
                                     "probability of dropping it (the pre-2017 convention)",
    "dropout_scaled_by_drop_probability": "dropout keeps units with the keep probability but divides the kept ones by "
                                          "the drop probability (1 - keep) instead",
    "dropout_scaled_at_test": "dropout multiplies by p in test mode (inverted dropout leaves test mode alone)",
    "dropout_old_vanilla": "dropout as in the pre-2017 notes: p drops a unit and the kept ones are not rescaled",
    "dropout_keeps_everything": "dropout keeps every unit in training (e.g. rand < p / p, which compares with 1)",
    "dropout_backward_complement": "dropout_backward returns dout - dout * mask (the complement): nonzero at the dropped units",
    "dropout_backward_not_rescaled": "dropout_backward multiplies dout by the 0/1 mask without the 1 / p scale",
    "dropout_mask_at_test": "dropout draws a mask in test mode too (test mode must return x itself)",
    "dropout_mask_randn": "dropout draws its mask with np.random.randn (normal), so a unit is kept with probability "
                          "Phi(p), not p",
    "dropout_mask_shared_across_batch": "dropout draws one mask row of shape (1, D) for the whole batch: every "
                                        "example loses the same features",
}

DROPOUT_RANDN = ("np.random.randn draws from a normal distribution, so comparing it with p does not keep a unit with "
                 "probability p: draw uniform numbers in [0, 1), mask = (np.random.rand(*x.shape) < p) / p.")


def _normal(c) -> np.ndarray:
    """The draws of np.random.seed(seed), then np.random.randn(*x.shape)."""
    return np.random.RandomState(c["dropout_param"]["seed"]).standard_normal(c["x"].shape)


def _randn_mistakes() -> tuple[Mistake, ...]:
    """A normal draw compared with the keep probability (or with the drop probability), scaled by 1 / keep."""
    when = lambda c: _training(c) and _keep(c) < 1     # noqa: E731
    return tuple(Mistake("dropout_mask_randn", "out", DROPOUT_RANDN, value, when=when) for value in (
        lambda c: c["x"] * (_normal(c) < _keep(c)) / _keep(c),
        lambda c: c["x"] * (_normal(c) > _keep(c)) / _keep(c),
        lambda c: c["x"] * (_normal(c) > 1 - _keep(c)) / _keep(c),
        lambda c: c["x"] * (_normal(c) < 1 - _keep(c)) / (1 - _keep(c))))


def _one_row_mask(c) -> np.ndarray:
    """x through a mask drawn as np.random.rand(1, D) < keep, scaled: one row for the whole batch."""
    row = np.random.RandomState(c["dropout_param"]["seed"]).random_sample((1, c["x"].shape[1]))
    return c["x"] * (row < _keep(c)) / _keep(c)

DROPOUT_P = "In this course p is the probability of KEEPING a unit: mask = (np.random.rand(*x.shape) < p) / p."
DROPOUT_P_DROPS = ("In this course p is the probability of DROPPING a unit: keep one with probability 1 - p, "
                   "mask = (np.random.rand(*x.shape) >= p) / (1 - p).")


def _other_meaning(c, keep_share: float, kept_where_below: bool, scale: float) -> np.ndarray:
    """x through a mask that keeps units with probability `keep_share` (drawn as uniform < share, or
    uniform >= 1 - share) and scales them by 1 / `scale`: the forms p takes when read the wrong way."""
    u = _uniform(c)
    mask = u < keep_share if kept_where_below else u >= 1 - keep_share
    return c["x"] * mask / scale


def _dropout_config(rng: np.random.Generator) -> dict:
    """x 2-D or 4-D; "p" is the probability of keeping a unit (see _keep)."""
    four_d = rng.random() < 0.5
    shape = [_size(rng, 2, 4), _size(rng, 2, 3), _size(rng, 2, 4), _size(rng, 2, 4)] if four_d else \
        [_size(rng, 3, 8), _size(rng, 4, 12)]
    return {"x": shape, "p": float(rng.choice([0.3, 0.5, 0.6, 0.75, 0.9])), "seed": _size(rng, 0, 10_000)}


def _meaning_mistakes(mistake: str, hint: str) -> tuple[Mistake, ...]:
    """The student reads p the other way round: keeps units with probability 1 - keep."""
    when = _two_meanings_differ
    return (
        Mistake(mistake, "out", hint, lambda c: _other_meaning(c, 1 - _keep(c), False, 1 - _keep(c)), when=when),
        Mistake(mistake, "out", hint, lambda c: _other_meaning(c, 1 - _keep(c), True, 1 - _keep(c)), when=when),
        Mistake(mistake, "out", hint, lambda c: _other_meaning(c, 1 - _keep(c), False, _keep(c)), when=when),
    )


DROPOUT = Hidden(
    _dropout_config,
    # p = 1 keeps every unit (out = x): a real student's forward special-cased it, and returned zeros.
    edges=({"x": [1, 7], "p": 0.5, "seed": 17}, {"x": [2, 3, 4, 5], "p": 0.8, "seed": 5},
           {"x": [3, 2, 2, 3], "p": 0.4, "seed": 11, "mode": "test"}, {"x": [2, 5], "p": 1.0, "seed": 23},
           # no seed, which the API makes optional (round 24: a backward that reseeds from
           # dropout_param['seed'] raises KeyError); test mode, whose output is known without one
           {"x": [3, 6], "p": 0.5, "mode": "test"}),
    mistakes=(
        Mistake("dropout_not_rescaled", "out", "Inverted dropout divides the kept units by their keep probability "
                "in training, so that test mode can be the identity.",
                lambda c: c["x"] * _kept(c), when=_training),
        # The other meaning of p, and (where p keeps) the pre-2017 notes' dropout.
        *(_meaning_mistakes("dropout_p_is_drop_probability", DROPOUT_P) + (
            Mistake("dropout_old_vanilla", "out", DROPOUT_P + " And inverted dropout scales the kept units by 1 / p "
                    "in training (then test mode is the identity).",
                    lambda c: c["x"] * (_uniform(c) >= _keep(c)), when=_two_meanings_differ),
            Mistake("dropout_old_vanilla", "out", DROPOUT_P + " And inverted dropout scales the kept units by 1 / p "
                    "in training (then test mode is the identity).",
                    lambda c: c["x"] * (_uniform(c) < 1 - _keep(c)), when=_two_meanings_differ),)
          if P_MEANS == "keep" else _meaning_mistakes("dropout_p_is_keep_probability", DROPOUT_P_DROPS)),
        Mistake("dropout_scaled_by_drop_probability", "out", "Your mask keeps the right units, but the kept ones are "
                "divided by the probability of dropping a unit: inverted dropout divides them by the probability of "
                "keeping one, the same probability the mask keeps with (so that the expected output is x).",
                lambda c: c["x"] * _kept(c) / (1 - _keep(c)), when=_two_meanings_differ),
        Mistake("dropout_keeps_everything", "out", "In training your mask keeps every unit. Mind the precedence: "
                "np.random.rand(*x.shape) < p / p compares with p / p = 1; write (np.random.rand(*x.shape) < p) / p.",
                lambda c: c["x"].copy(), when=lambda c: _training(c) and _keep(c) < 1),
        Mistake("dropout_scaled_at_test", "out", "With inverted dropout the scaling happens in training, so test mode "
                "returns x unchanged: out = x.", lambda c: c["x"] * c["dropout_param"]["p"],
                when=lambda c: not _training(c)),
        *((Mistake("dropout_scaled_at_test", "out", "With inverted dropout the scaling happens in training, so test "
                   "mode returns x unchanged: out = x.", lambda c: c["x"] * _keep(c),
                   when=lambda c: not _training(c)),) if P_MEANS == "drop" else ()),
        *_randn_mistakes(),
        Mistake("dropout_mask_at_test", "out", "Test mode uses every unit: out = x. Inverted dropout did its scaling "
                "in training, so no mask is drawn at test time.", lambda c: c["x"] * (_uniform(c) < _keep(c)),
                when=lambda c: not _training(c) and _keep(c) < 1),
        Mistake("dropout_mask_shared_across_batch", "out", "Draw one mask entry per unit, np.random.rand(*x.shape): "
                "a mask of shape (1, D) drops the same features in every example.", _one_row_mask,
                when=lambda c: _training(c) and _keep(c) < 1 and c["x"].ndim == 2 and c["x"].shape[0] > 1),
        Mistake("dropout_backward_not_rescaled", "dx", "Use the forward's mask itself, 1 / keep-probability scale "
                "included: dx = dout * mask.", lambda c: c.dout * _kept(c), when=_training),
        Mistake("dropout_backward_complement", "dx", "Your dx is dout - dout * mask: it is nonzero at the units the "
                "forward dropped, whose outputs do not depend on x at all. Units the forward kept pass dout on, "
                "scaled like their output, and the dropped ones get 0: dx = dout * mask.",
                lambda c: c.dout - c.dout * _kept(c) / _keep(c), when=lambda c: _training(c) and 0 < _keep(c) < 1),
    ),
    mistake_ids=DROPOUT_IDS)


# --- convolution ----------------------------------------------------------------------------------


def _conv_config(rng: np.random.Generator) -> dict:
    """A valid convolution: sizes chosen so that (H + 2 pad - HH) is a multiple of the stride."""
    stride, hh, ww = _size(rng, 1, 2), _size(rng, 1, 3), _size(rng, 1, 3)
    pad = _size(rng, 0, min(hh, ww) - 1) if min(hh, ww) > 1 else 0
    h = (_size(rng, 2, 4) - 1) * stride + hh - 2 * pad
    w = (_size(rng, 2, 4) - 1) * stride + ww - 2 * pad
    if h < 1 or w < 1:
        h, w, pad = h + 2 * pad, w + 2 * pad, 0
    return {"x": [_size(rng, 1, 3), _size(rng, 1, 3), h, w], "F": _size(rng, 1, 3), "HH": hh, "WW": ww,
            "stride": stride, "pad": pad}


def _correlate(x, w, b, stride, pad):
    """The convolution layer's output, for any stride and pad (the mistakes vary them)."""
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    f, _, hh, ww = w.shape
    h_out = 1 + (x_pad.shape[2] - hh) // stride
    w_out = 1 + (x_pad.shape[3] - ww) // stride
    out = np.empty((x.shape[0], f, h_out, w_out))
    for i in range(h_out):
        for j in range(w_out):
            window = x_pad[:, :, i * stride:i * stride + hh, j * stride:j * stride + ww]
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return out


def _square_kernel(c, size: int):
    """conv_forward with every window sliced size x size (HH or WW for both axes; the output's size
    right): the window meets w[f] (HH x WW) by broadcasting, which numpy refuses unless one of them
    is 1 wide (a ValueError, as the student's code raises)."""
    x, w, b, stride, pad = c["x"], c["w"], c["b"], _param(c, "stride"), _param(c, "pad")
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    _, _, hh, ww = w.shape
    h_out, w_out = 1 + (x_pad.shape[2] - hh) // stride, 1 + (x_pad.shape[3] - ww) // stride
    out = np.empty((x.shape[0], w.shape[0], h_out, w_out))
    for i in range(h_out):
        for j in range(w_out):
            window = x_pad[:, None, :, i * stride:i * stride + size, j * stride:j * stride + size]
            out[:, :, i, j] = (window * w[None]).sum(axis=(2, 3, 4)) + b
    return out


IM2COL_HINT = ("Window (i, j) is row i * W' + j of your im2col matrix (W' windows in a row): with i * H' + j, windows "
               "overwrite each other whenever H' != W'.")


def _param(c, key: str) -> int:
    return c["conv_param"][key]


def _dx_padded(c):
    """dx before the crop: the padded input's gradient."""
    x, w, stride, pad = c["x"], c["w"], _param(c, "stride"), _param(c, "pad")
    _, _, hh, ww = w.shape
    dx_pad = np.zeros((x.shape[0], x.shape[1], x.shape[2] + 2 * pad, x.shape[3] + 2 * pad))
    for i in range(c.dout.shape[2]):
        for j in range(c.dout.shape[3]):
            dx_pad[:, :, i * stride:i * stride + hh, j * stride:j * stride + ww] += \
                np.tensordot(c.dout[:, :, i, j], w, axes=([1], [0]))
    return dx_pad


def _dx_windows_assigned(c):
    """dx_pad[window] = w * dout (=, not +=): where windows overlap, the last one written wins."""
    x, w, stride, pad = c["x"], c["w"], _param(c, "stride"), _param(c, "pad")
    _, _, hh, ww = w.shape
    dx_pad = np.zeros((x.shape[0], x.shape[1], x.shape[2] + 2 * pad, x.shape[3] + 2 * pad))
    for i in range(c.dout.shape[2]):
        for j in range(c.dout.shape[3]):
            dx_pad[:, :, i * stride:i * stride + hh, j * stride:j * stride + ww] = \
                np.tensordot(c.dout[:, :, i, j], w, axes=([1], [0]))
    return dx_pad[:, :, pad:pad + x.shape[2], pad:pad + x.shape[3]]


def _conv_windows_overlap(c) -> bool:
    _, _, hh, ww = c["w"].shape
    return _param(c, "stride") < max(hh, ww)


def _dw_stride_ignored(c):
    """dw[f, c, kh, kw] = sum of x_pad[:, c, kh:kh + H', kw:kw + W'] * dout[:, f]: the input under each kernel
    offset read at stride 1 (H' x W' consecutive positions), not every stride-th one."""
    x, w, pad = c["x"], c["w"], _param(c, "pad")
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    _, _, hh, ww = w.shape
    h_out, w_out = c.dout.shape[2:]
    dw = np.empty(w.shape)
    for kh in range(hh):
        for kw in range(ww):
            dw[:, :, kh, kw] = np.tensordot(c.dout, x_pad[:, :, kh:kh + h_out, kw:kw + w_out], axes=([0, 2, 3], [0, 2, 3]))
    return dw


def _dw_start_times_stride(c):
    """dw[f, c, kh, kw] = sum of x_pad[:, c, kh * s:kh * s + H', kw * s:kw * s + W'] * dout[:, f]: the input
    under each kernel offset read from the offset times the stride, H' x W' consecutive positions (round 25),
    where it starts at the offset and steps by the stride. A block past x_pad's edge is cut short there, and
    the student's tensordot raises."""
    x, w, pad, s = c["x"], c["w"], _param(c, "pad"), _param(c, "stride")
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    _, _, hh, ww = w.shape
    h_out, w_out = c.dout.shape[2:]
    dw = np.empty(w.shape)
    for kh in range(hh):
        for kw in range(ww):
            block = x_pad[:, :, kh * s:kh * s + h_out, kw * s:kw * s + w_out]
            if block.shape[2:] != (h_out, w_out):
                raise ValueError("a block cut at the edge: the student's tensordot raises here")
            dw[:, :, kh, kw] = np.tensordot(c.dout, block, axes=([0, 2, 3], [0, 2, 3]))
    return dw


def _dx_stride_ignored(c):
    """dx_pad[:, :, i:i + HH, j:j + WW] += w * dout[:, :, i, j]: each window's gradient put back at the
    output index itself, not moved by the stride (right for stride 1 only)."""
    x, w, pad = c["x"], c["w"], _param(c, "pad")
    _, _, hh, ww = w.shape
    dx_pad = np.zeros((x.shape[0], x.shape[1], x.shape[2] + 2 * pad, x.shape[3] + 2 * pad))
    for i in range(c.dout.shape[2]):
        for j in range(c.dout.shape[3]):
            dx_pad[:, :, i:i + hh, j:j + ww] += np.tensordot(c.dout[:, :, i, j], w, axes=([1], [0]))
    return dx_pad[:, :, pad:pad + x.shape[2], pad:pad + x.shape[3]]


def _dx_square_kernel(c):
    """dx with the kernel's rows and columns both bounded by one size (0 <= col < HH, or rows < WW):
    the kernel's entries past the smaller of HH and WW left out (the larger one reads w past its last
    row or column, an IndexError in the student's code)."""
    w = c["w"]
    k = min(w.shape[2:])
    cut = np.zeros_like(w)
    cut[:, :, :k, :k] = w[:, :, :k, :k]
    x, stride, pad = c["x"], _param(c, "stride"), _param(c, "pad")
    _, _, hh, ww = w.shape
    dx_pad = np.zeros((x.shape[0], x.shape[1], x.shape[2] + 2 * pad, x.shape[3] + 2 * pad))
    for i in range(c.dout.shape[2]):
        for j in range(c.dout.shape[3]):
            dx_pad[:, :, i * stride:i * stride + hh, j * stride:j * stride + ww] += \
                np.tensordot(c.dout[:, :, i, j], cut, axes=([1], [0]))
    return dx_pad[:, :, pad:pad + x.shape[2], pad:pad + x.shape[3]]


def _padded_by_one(c):
    """The output's size from conv_param['pad'], its windows read from x padded by 1."""
    right = _correlate(c["x"], c["w"], c["b"], _param(c, "stride"), _param(c, "pad"))
    h, w = right.shape[2:]
    wrong = _correlate(c["x"], c["w"], c["b"], _param(c, "stride"), 1)[:, :, :h, :w]
    if wrong.shape != right.shape:
        raise ValueError("x padded by 1 has fewer windows than the output needs")
    return wrong


def _rows_indexed_by_height(h_out: int, w_out: int, window_value, empty):
    """An im2col whose row for window (i, j) is i * H' + j instead of i * W' + j: windows collide
    (the last one written stays), some rows keep their zeros (`empty`), and the output reads row
    i * W' + j back. An index past the rows raises IndexError, as the student's code does."""
    rows = [empty] * (h_out * w_out)
    for i in range(h_out):
        for j in range(w_out):
            rows[i * h_out + j] = window_value(i, j)
    return np.stack(rows, axis=-1).reshape(*np.shape(empty), h_out, w_out)


def _conv_rows_by_height(c):
    x, w, b, stride, pad = c["x"], c["w"], c["b"], _param(c, "stride"), _param(c, "pad")
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    _, _, hh, ww = w.shape
    h_out, w_out = 1 + (x_pad.shape[2] - hh) // stride, 1 + (x_pad.shape[3] - ww) // stride
    if h_out == w_out:
        raise ValueError("a square output has no such mistake")

    def window(i, j):
        part = x_pad[:, :, i * stride:i * stride + hh, j * stride:j * stride + ww]
        return np.tensordot(part, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return _rows_indexed_by_height(h_out, w_out, window, np.broadcast_to(b, (x.shape[0], w.shape[0])))


CONV_IDS = {
    "conv_window_starts_slice_empty_for_1x1_kernel": "conv_forward_naive sums no window when the kernel is 1 wide or "
                                                     "1 high (window starts sliced with [:-WW + 1], empty for WW = 1): "
                                                     "out is b alone",
    "im2col_row_index_by_height": "an im2col conv / pool numbers window (i, j)'s row i * H' + j instead of i * W' + j: "
                                  "windows collide when the output is not square",
    "conv_dx_window_assigned": "conv_backward assigns dx_pad[window] = w * dout (=, not +=): overlapping windows "
                               "erase each other",
    "conv_missing_bias": "conv_forward_naive leaves out the bias b",
    "conv_dw_stride_ignored": "conv_backward's dw reads the input under each kernel offset at stride 1 "
                              "(x_pad[kh:kh + H']), not moved by the stride",
    "conv_dw_window_start_times_stride": "conv_backward's dw reads the input under kernel offset (kh, kw) from "
                                         "(kh * stride, kw * stride), H' x W' consecutive positions, where it "
                                         "starts at (kh, kw) and steps by the stride",
    "conv_kernel_flipped": "conv_forward_naive flips the kernel (true convolution); CS231n's layer is a cross-correlation",
    "conv_dx_stride_ignored": "conv_backward puts window (i, j)'s gradient at dx_pad[i:i + HH, j:j + WW], not moved by "
                              "the stride (right for stride 1 only)",
}

def _bias_only(c):
    """out = b at every position: no window summed (the window starts' list empty)."""
    right = _correlate(c["x"], c["w"], c["b"], _param(c, "stride"), _param(c, "pad"))
    return np.broadcast_to(c["b"][None, :, None, None], right.shape).copy()


CONV = Hidden(
    _conv_config,
    edges=({"x": [2, 3, 5, 5], "F": 2, "HH": 3, "WW": 3, "stride": 1, "pad": 0},
           {"x": [1, 1, 4, 7], "F": 1, "HH": 2, "WW": 3, "stride": 2, "pad": 1},
           {"x": [2, 2, 7, 5], "F": 3, "HH": 3, "WW": 1, "stride": 2, "pad": 2},
           # the output of a ReLU: exact zeros in x
           {"x": [2, 2, 5, 5], "F": 2, "HH": 3, "WW": 3, "stride": 1, "pad": 1, "after_relu": True},
           # conv_param built pad first (round 24: stride, pad = conv_param.values() reads them by the
           # order of the keys); stride and pad differ, neither is 1, and exchanged give another size
           {"x": [1, 2, 5, 5], "F": 2, "HH": 3, "WW": 3, "stride": 3, "pad": 2, "pad_first": True}),
    mistakes=(
        Mistake("conv_window_starts_slice_empty_for_1x1_kernel", "out", "With a kernel 1 wide or 1 high your out is "
                "b alone: no window was summed. A list of window starts sliced like range(W_pad)[:-WW + 1] is empty "
                "when WW = 1 (-0 is 0, so [:0]): take the starts as i * stride for i in range(H'), and j * stride for "
                "j in range(W').", _bias_only, when=lambda c: 1 in c["w"].shape[2:]),
        Mistake("conv_stride_ignored", "out", "Move each window by conv_param['stride'].",
                lambda c: _correlate(c["x"], c["w"], c["b"], 1, _param(c, "pad")),
                when=lambda c: _param(c, "stride") != 1),
        Mistake("conv_pad_hardcoded", "out", "Pad by conv_param['pad'].",
                lambda c: _correlate(c["x"], c["w"], c["b"], _param(c, "stride"), 1),
                when=lambda c: _param(c, "pad") != 1),
        Mistake("conv_pad_hardcoded", "out", "Your output has the right size, but its windows are read from x padded "
                "by 1: pad by conv_param['pad'] (it can be 0 or 2), np.pad(x, ((0, 0), (0, 0), (pad, pad), "
                "(pad, pad))).", _padded_by_one,
                when=_computable(_padded_by_one, lambda c: _param(c, "pad") != 1)),
        Mistake("im2col_row_index_by_height", "out", IM2COL_HINT, _conv_rows_by_height,
                when=_computable(_conv_rows_by_height)),
        Mistake("conv_dx_window_assigned", "dx", "Windows overlap when the stride is smaller than the kernel: add each "
                "window's gradient into dx_pad (+=); dx_pad[window] = ... erases what the windows before it put "
                "there.", _dx_windows_assigned, when=_conv_windows_overlap),
        *(Mistake("conv_square_kernel_assumed", "out", "The kernel is HH x WW = w.shape[2] x w.shape[3], not "
                  "necessarily square, but your windows have one size for both axes: slide windows of HH rows and WW "
                  "columns.", lambda c, axis=axis: _square_kernel(c, c["w"].shape[axis]),
                  when=_computable(lambda c, axis=axis: _square_kernel(c, c["w"].shape[axis]),
                                   lambda c: c["w"].shape[2] != c["w"].shape[3]))
          for axis in (2, 3)),
        Mistake("conv_dw_stride_ignored", "dw", "dw[f, c, kh, kw] sums x_pad under kernel offset (kh, kw) of every "
                "window, and windows move by the stride: those are rows kh, kh + stride, ..., i.e. x_pad[:, c, "
                "kh:kh + stride * H':stride] (columns likewise); yours reads H' consecutive rows, right only for "
                "stride 1.", _dw_stride_ignored, when=lambda c: _param(c, "stride") != 1),
        Mistake("conv_dw_window_start_times_stride", "dw", "dw[f, c, kh, kw] sums x_pad under kernel offset "
                "(kh, kw) of every window; window (i, j) starts at (i * stride, j * stride), so offset kh meets rows "
                "kh, kh + stride, ..., kh + stride * (H' - 1): x_pad[:, c, kh:kh + stride * (H' - 1) + 1:stride] "
                "(columns likewise). Yours starts at kh * stride and reads H' consecutive rows: the windows move by "
                "the stride, the offset within a window does not.", _dw_start_times_stride,
                when=_computable(_dw_start_times_stride, lambda c: _param(c, "stride") != 1)),
        Mistake("conv_dx_stride_ignored", "dx", "Window (i, j) starts at (i * stride, j * stride) of x_pad: its "
                "gradient w * dout[:, :, i, j] goes to dx_pad[:, :, i * stride:i * stride + HH, j * stride:j * stride "
                "+ WW]. Yours puts it at i:i + HH (the output index, not moved by the stride), right for stride 1 "
                "only.", _dx_stride_ignored, when=lambda c: _param(c, "stride") != 1),
        Mistake("conv_square_kernel_assumed", "dx", "The kernel is HH x WW = w.shape[2] x w.shape[3], not "
                "necessarily square, but your dx uses only its first min(HH, WW) rows and columns: bound the kernel's "
                "rows by HH and its columns by WW.", _dx_square_kernel,
                when=lambda c: c["w"].shape[2] != c["w"].shape[3]),
        Mistake("conv_missing_bias", "out", "Each filter's output gets its bias: out[n, f] += b[f].",
                lambda c: _correlate(c["x"], c["w"], 0.0, _param(c, "stride"), _param(c, "pad"))),
        Mistake("conv_kernel_flipped", "out", "CS231n's convolution layer does not flip the kernel: out[n, f, i, j] "
                "= sum(window * w[f]) + b[f], the window and w[f] lined up element by element.",
                lambda c: _correlate(c["x"], c["w"][:, :, ::-1, ::-1], c["b"], _param(c, "stride"), _param(c, "pad")),
                when=lambda c: c["w"].shape[2] * c["w"].shape[3] > 1),
        Mistake("dx_wrong_shape", "dx", "Crop the padding off dx: dx_pad[:, :, pad:pad + H, pad:pad + W].",
                _dx_padded, when=lambda c: _param(c, "pad") > 0),
        Mistake("conv_crop_empty_at_pad_0", "dx", "x_pad[:, :, pad:-pad] is empty when pad = 0.",
                lambda c: _dx_padded(c)[:, :, 0:-0, 0:-0], when=lambda c: _param(c, "pad") == 0),
    ),
    mistake_ids=CONV_IDS)


# --- max pooling -------------------------------------------------------------------------------------


def _pool_config(rng: np.random.Generator) -> dict:
    ph, pw = _size(rng, 1, 3), _size(rng, 2, 3)
    stride = _size(rng, 1, 2)
    h = (_size(rng, 2, 4) - 1) * stride + ph
    w = (_size(rng, 2, 4) - 1) * stride + pw
    return {"x": [_size(rng, 1, 3), _size(rng, 1, 3), h, w], "ph": ph, "pw": pw, "stride": stride}


def _windows(c):
    """(rows, cols, dout slice) of every pooling window, in row-major order."""
    param = c["pool_param"]
    ph, pw, s = param["pool_height"], param["pool_width"], param["stride"]
    for i in range(c.dout.shape[2]):
        for j in range(c.dout.shape[3]):
            yield slice(i * s, i * s + ph), slice(j * s, j * s + pw), c.dout[:, :, i:i + 1, j:j + 1]


def _overlap(c) -> bool:
    param = c["pool_param"]
    return param["stride"] < max(param["pool_height"], param["pool_width"])


def _dout_to_window(c):
    dx = np.zeros_like(c["x"])
    for rows, cols, d in _windows(c):
        dx[:, :, rows, cols] += d
    return dx


def _window_overwritten(c):
    """dx[window] = (window == max) * dout: each window overwrites the zeros and gradients before it."""
    dx = np.zeros_like(c["x"])
    for rows, cols, d in _windows(c):
        window = c["x"][:, :, rows, cols]
        dx[:, :, rows, cols] = (window == window.max(axis=(2, 3), keepdims=True)) * d
    return dx


def _window_dout_then_masked(c, counted=False):
    """dx[window] = dout (every element of the window, =), then multiplied by a 0/1 mask of the
    elements that are some window's maximum: each maximum keeps the dout of the last window that
    covered it, its own or not. `counted`: the mask adds up each window's is-max indicator, so a
    maximum shared by k windows gets k times that last dout."""
    last, is_some_max = np.zeros_like(c["x"]), np.zeros_like(c["x"])
    for rows, cols, d in _windows(c):
        window = c["x"][:, :, rows, cols]
        last[:, :, rows, cols] = np.broadcast_to(d, window.shape)
        part = is_some_max[:, :, rows, cols]
        if counted:
            part += window == window.max(axis=(2, 3), keepdims=True)
        else:
            part[window == window.max(axis=(2, 3), keepdims=True)] = 1.0
    return last * is_some_max


def _count_times_covering_douts(c):
    """The number of windows each element is the (first) maximum of, times the sum of the douts of
    every window that covers it, each counted apart: right where windows do not overlap."""
    count, covering = np.zeros_like(c["x"]), np.zeros_like(c["x"])
    for rows, cols, d in _windows(c):
        window = c["x"][:, :, rows, cols]
        flat = window.reshape(*window.shape[:2], -1)
        count[:, :, rows, cols] += (np.arange(flat.shape[2]) == flat.argmax(axis=2)[..., None]).reshape(window.shape)
        covering[:, :, rows, cols] += d
    return count * covering


def _backward_over_windows(c, count):
    """The right backward over the first count(H, W, param) rows and columns of windows only."""
    param = c["pool_param"]
    rows, cols = count(*c["x"].shape[2:], param)
    if rows > c.dout.shape[2] or cols > c.dout.shape[3] or (rows, cols) == c.dout.shape[2:]:
        raise ValueError("the student's loops run past dout, or over exactly its windows")
    dx = np.zeros_like(c["x"])
    for i in range(rows):
        for j in range(cols):
            s = param["stride"]
            r, q = slice(i * s, i * s + param["pool_height"]), slice(j * s, j * s + param["pool_width"])
            window = c["x"][:, :, r, q]
            dx[:, :, r, q] += (window == window.max(axis=(2, 3), keepdims=True)) * c.dout[:, :, i:i + 1, j:j + 1]
    return dx


def _backward_by_pool_size(c):
    return _backward_over_windows(c, lambda h, w, p: (h // p["pool_height"], w // p["pool_width"]))


def _backward_by_stride(c):
    return _backward_over_windows(c, lambda h, w, p: (h // p["stride"], w // p["stride"]))


def _max_assigned(c):
    """dx at each window's max set to its dout (=, not +=): a max shared by two windows keeps one."""
    dx = np.zeros_like(c["x"])
    for rows, cols, d in _windows(c):
        window = c["x"][:, :, rows, cols]
        is_max = window == window.max(axis=(2, 3), keepdims=True)
        part = dx[:, :, rows, cols]
        part[is_max] = np.broadcast_to(d, window.shape)[is_max]
    return dx


def _pool_with_starts(c, row_step: bool, col_step: bool):
    """Max pooling whose row (column) slices start at i * stride, or at i itself where the stride
    was left out of the start (the end keeps it): x[:, :, i * s:i * s + ph, j:j * s + pw]."""
    param = c["pool_param"]
    ph, pw, s = param["pool_height"], param["pool_width"], param["stride"]
    x = c["x"]
    out = np.empty((*x.shape[:2], 1 + (x.shape[2] - ph) // s, 1 + (x.shape[3] - pw) // s))
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            rows = slice(i * s if row_step else i, i * s + ph)
            cols = slice(j * s if col_step else j, j * s + pw)
            out[:, :, i, j] = x[:, :, rows, cols].max(axis=(2, 3))
    return out


def _argmax_unravelled_with(c, position, step=None):
    """dout sent to the window's flat argmax k, put back at (row, column) = position(k, ph, pw) from the
    window's corner, which `step` (rows, columns) moves by (the stride's, by default). An index past x
    raises IndexError, as the student's code does."""
    param = c["pool_param"]
    ph, pw, s = param["pool_height"], param["pool_width"], param["stride"]
    row_step, col_step = step or (s, s)
    x = c["x"]
    dx = np.zeros_like(x)
    for i in range(c.dout.shape[2]):
        for j in range(c.dout.shape[3]):
            k = x[:, :, i * s:i * s + ph, j * s:j * s + pw].reshape(*x.shape[:2], -1).argmax(axis=2)
            row, col = position(k, ph, pw)
            rows, cols = i * row_step + row, j * col_step + col
            for n, ch in np.ndindex(*x.shape[:2]):
                dx[n, ch, rows[n, ch], cols[n, ch]] += c.dout[n, ch, i, j]
    return dx


def _pool_rows_by_height(c):
    param = c["pool_param"]
    ph, pw, s = param["pool_height"], param["pool_width"], param["stride"]
    x = c["x"]
    h_out, w_out = 1 + (x.shape[2] - ph) // s, 1 + (x.shape[3] - pw) // s
    if h_out == w_out:
        raise ValueError("a square output has no such mistake")
    def window(i, j):
        return x[:, :, i * s:i * s + ph, j * s:j * s + pw].max(axis=(2, 3))
    return _rows_indexed_by_height(h_out, w_out, window, np.zeros(x.shape[:2]))


def _pool_moved_by_size(c):
    """Window (i, j) starting at (i * pool_height, j * pool_width): moved by its size, not the stride."""
    param = c["pool_param"]
    ph, pw = param["pool_height"], param["pool_width"]
    x = c["x"]
    out = np.empty((*x.shape[:2], 1 + (x.shape[2] - ph) // param["stride"], 1 + (x.shape[3] - pw) // param["stride"]))
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            window = x[:, :, i * ph:i * ph + ph, j * pw:j * pw + pw]
            if window.size == 0:
                raise ValueError("an empty window: the student's np.max raises here")
            out[:, :, i, j] = window.max(axis=(2, 3))
    return out


def _pool_stride_sized_windows(c):
    """Windows of stride x stride (the stride taken for the window's size), at i * stride."""
    param = c["pool_param"]
    ph, pw, s = param["pool_height"], param["pool_width"], param["stride"]
    x = c["x"]
    out = np.empty((*x.shape[:2], 1 + (x.shape[2] - ph) // s, 1 + (x.shape[3] - pw) // s))
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            window = x[:, :, i * s:i * s + s, j * s:j * s + s]
            if window.size == 0:
                raise ValueError("an empty window: the student's np.max raises here")
            out[:, :, i, j] = window.max(axis=(2, 3))
    return out


def _pool_loops_over_window(c):
    """The loops run over the window's size (pool_height, pool_width) instead of the output's."""
    param = c["pool_param"]
    ph, pw, s = param["pool_height"], param["pool_width"], param["stride"]
    x = c["x"]
    out = np.zeros((*x.shape[:2], 1 + (x.shape[2] - ph) // s, 1 + (x.shape[3] - pw) // s))
    if ph > out.shape[2] or pw > out.shape[3] or (ph, pw) == out.shape[2:]:
        raise ValueError("the loops run past the output, or over exactly its positions")
    for i in range(ph):
        for j in range(pw):
            out[:, :, i, j] = x[:, :, i * s:i * s + ph, j * s:j * s + pw].max(axis=(2, 3))
    return out


UNRAVEL_HINT = ("The flat index k of a window's maximum is at row k // pool_width and column k % pool_width (a row "
                "holds pool_width elements); np.unravel_index(k, (pool_height, pool_width)) does it for you.")


def _stride(c) -> int:
    return c["pool_param"]["stride"]


def _pool_size(c) -> tuple[int, int]:
    return c["pool_param"]["pool_height"], c["pool_param"]["pool_width"]


def _pool_not_square(c) -> bool:
    return c["pool_param"]["pool_height"] != c["pool_param"]["pool_width"]


def _row_by_height(c):
    """The row of flat index k as (k - k % pw) / ph: divided by the window's height, not its width."""
    return _argmax_unravelled_with(c, lambda k, ph, pw: ((k - k % pw) // ph, k % pw))


def _row_by_height_col_by_width(c):
    """The row of flat index k as k // ph (divided by the window's height, not its width), its column
    k % pw right."""
    return _argmax_unravelled_with(c, lambda k, ph, pw: (k // ph, k % pw))


def _backward_moved_by_window_size(c):
    """Each window's maximum put back at (i * pool_height + row, j * pool_width + col): the window moved by
    its size, not the stride (the forward right)."""
    return _argmax_unravelled_with(c, lambda k, ph, pw: (k // pw, k % pw), step=_pool_size(c))


def _unravel_swapped(c):
    """np.unravel_index(k, (pw, ph)): the window's shape read the other way round."""
    return _argmax_unravelled_with(c, lambda k, ph, pw: (k // ph, k % ph))

def _col_by_height(c):
    """The column of flat index k as k % ph (the window's height, not its width), its row k // pw right."""
    return _argmax_unravelled_with(c, lambda k, ph, pw: (k // pw, k % ph))


def _switch_key(n, ch, i, j) -> str:
    """A window's key made of its indices' digits run together: (0, 0, 1, 11) and (0, 0, 11, 1) share
    '00111'."""
    return str(n) + str(ch) + str(i) + str(j)


def _switch_keys_collide(c) -> bool:
    keys = [_switch_key(*index) for index in np.ndindex(*c.dout.shape)]
    return len(set(keys)) < len(keys)


def _switches_collided(c):
    """Each window's argmax kept in a dict under _switch_key, windows written in row-major order: a
    window whose key an later window shares reads that window's argmax back, at its own corner."""
    param = c["pool_param"]
    ph, pw, s = param["pool_height"], param["pool_width"], param["stride"]
    x = c["x"]
    switches = {}
    for n, ch, i, j in np.ndindex(*c.dout.shape):
        window = x[n, ch, i * s:i * s + ph, j * s:j * s + pw]
        switches[_switch_key(n, ch, i, j)] = np.unravel_index(np.argmax(window), window.shape)
    dx = np.zeros_like(x)
    for n, ch, i, j in np.ndindex(*c.dout.shape):
        row, col = switches[_switch_key(n, ch, i, j)]
        dx[n, ch, i * s + row, j * s + col] += c.dout[n, ch, i, j]
    return dx


POOL_IDS = {
    "pool_backward_window_count": "max_pool_backward loops over H // pool_height (or H // stride) windows instead of "
                                  "dout's H' x W'",
    "pool_moved_by_window_size": "max_pool_forward moves its windows by their size (i * pool_height), not by the "
                                 "stride",
    "pool_window_size_is_stride": "max_pool_forward's windows are stride x stride instead of pool_height x pool_width",
    "pool_loops_over_window": "max_pool_forward loops over range(pool_height), range(pool_width) instead of the "
                              "output's H' and W'",
    "pool_window_start_without_stride": "max_pool_forward starts a window's slice at i (the output index), not "
                                        "i * stride",
    "pool_argmax_unravelled_wrong": "max_pool_backward turns the window's flat argmax into a row with pool_height "
                                    "where pool_width belongs (k // pool_width)",
    "pool_dout_to_window": "max_pool_backward gives dout to every element of the window, not only to its max",
    "pool_window_overwritten": "max_pool_backward assigns dx[window] = mask * dout: overlapping windows erase each other",
    "pool_max_assigned": "max_pool_backward assigns dout at the max (=, not +=): a max shared by two windows loses a gradient",
    "pool_backward_max_count_times_covering_douts": "max_pool_backward multiplies the number of windows an element is "
                                                    "the maximum of by the sum of the douts of every window covering "
                                                    "it: where windows overlap, a maximum gets other windows' douts",
    "pool_switch_key_collision": "max pooling keys each window's argmax by str(n) + str(c) + str(h) + str(w): keys "
                                 "collide once an index reaches 10, and a window's dout goes to another's argmax",
}

MAX_POOL = Hidden(
    _pool_config,
    edges=({"x": [2, 2, 5, 5], "ph": 3, "pw": 3, "stride": 1}, {"x": [1, 1, 4, 6], "ph": 2, "pw": 3, "stride": 1},
           {"x": [2, 3, 6, 4], "ph": 2, "pw": 2, "stride": 2},
           # 12 x 12 windows: indices past 9, where keys made of digits run together collide
           {"x": [1, 1, 24, 24], "ph": 2, "pw": 2, "stride": 2}),
    mistakes=(
        Mistake("pool_stride_ignored", "out", "Move each window by pool_param['stride'].",
                lambda c: _stride_one_pool(c), when=lambda c: c["pool_param"]["stride"] != 1),
        Mistake("pool_window_start_without_stride", "out", "Each window starts at i * stride (rows) and j * stride "
                "(columns): one of your slices starts at the output index itself, x[..., j:j * stride + pool_width].",
                lambda c: _pool_with_starts(c, True, False), when=lambda c: c["pool_param"]["stride"] != 1),
        Mistake("pool_window_start_without_stride", "out", "Each window starts at i * stride (rows) and j * stride "
                "(columns): one of your slices starts at the output index itself, x[..., i:i * stride + pool_height, "
                "...].", lambda c: _pool_with_starts(c, False, True), when=lambda c: c["pool_param"]["stride"] != 1),
        *(Mistake("pool_argmax_unravelled_wrong", "dx", UNRAVEL_HINT, value, when=_computable(value, _pool_not_square))
          for value in (_row_by_height, _unravel_swapped, _row_by_height_col_by_width, _col_by_height)),
        Mistake("pool_switch_key_collision", "dx", "Your argmax switches are keyed by the indices' digits run "
                "together (str(n) + str(c) + str(h) + str(w)): once an index reaches 10 two windows share a key "
                "((1, 11) and (11, 1) both give '111'), the later window's argmax overwrites the earlier one's, and "
                "that window's dout goes to the wrong element. Key by the tuple (n, c, h, w), or keep the argmax in "
                "an array.", _switches_collided, when=_computable(_switches_collided, _switch_keys_collide)),
        Mistake("pool_backward_moved_by_window_size", "dx", "Window (i, j) starts at (i * stride, j * stride): "
                "its maximum's gradient goes to dx[..., i * stride + row, j * stride + col], not "
                "i * pool_height + row (the windows move by the stride, which can differ from their size).",
                _backward_moved_by_window_size,
                when=_computable(_backward_moved_by_window_size, lambda c: _pool_size(c) != (_stride(c),) * 2)),
        Mistake("pool_moved_by_window_size", "out", "Windows move by the stride, which can be smaller than the window: "
                "window (i, j) starts at (i * stride, j * stride), not (i * pool_height, j * pool_width).",
                _pool_moved_by_size, when=_computable(_pool_moved_by_size, lambda c: c["pool_param"]["stride"] !=
                                                      c["pool_param"]["pool_height"])),
        Mistake("pool_window_size_is_stride", "out", "A window is pool_height x pool_width, whatever the stride: "
                "x[:, :, i * stride:i * stride + pool_height, j * stride:j * stride + pool_width]. Yours is stride x "
                "stride.", _pool_stride_sized_windows,
                # not where the stride is one of the pool's sizes: there stride x stride windows are also
                # pool_height x pool_height (or pool_width x pool_width) ones, a pool taken as square (round 25)
                when=_computable(_pool_stride_sized_windows, lambda c: _stride(c) not in _pool_size(c))),
        Mistake("pool_loops_over_window", "out", "Loop over the output's positions, range(H') and range(W') with "
                "H' = 1 + (H - pool_height) // stride; range(pool_height) and range(pool_width) fill only part of "
                "out.", _pool_loops_over_window, when=_computable(_pool_loops_over_window)),
        Mistake("im2col_row_index_by_height", "out", IM2COL_HINT, _pool_rows_by_height,
                when=_computable(_pool_rows_by_height)),
        Mistake("pool_dout_to_window", "dx", "Only the maximum of each window affected the output: dout goes to "
                "that one element (where window == window.max()), the others get 0.", _dout_to_window),
        Mistake("pool_window_overwritten", "dx", "Windows overlap when the stride is smaller than the window: add "
                "each window's gradient into dx (+=), don't assign dx[window] = ..., which erases what the "
                "windows before it put there.", _window_overwritten, when=_overlap),
        Mistake("pool_window_overwritten", "dx", "Windows overlap when the stride is smaller than the window: each "
                "window's dout goes to its own maximum, added (+=). Assigning dout to the whole window and masking "
                "afterwards leaves each maximum the dout of whichever window covered it last.",
                _window_dout_then_masked, when=_overlap),
        Mistake("pool_window_overwritten", "dx", "Windows overlap when the stride is smaller than the window: each "
                "window's dout goes to its own maximum, added (+=). Assigning dout to the whole window (=) and "
                "multiplying by a count of maxima afterwards leaves each maximum the dout of whichever window "
                "covered it last, times that count, not the sum of its windows' douts.",
                lambda c: _window_dout_then_masked(c, counted=True), when=_overlap),
        Mistake("pool_backward_window_count", "dx", "Loop over every window the forward pooled: range(H') and "
                "range(W'), dout.shape[2] and dout.shape[3]. H // pool_height (or H // stride) leaves windows out.",
                _backward_by_pool_size, when=_computable(_backward_by_pool_size)),
        Mistake("pool_backward_window_count", "dx", "Loop over every window the forward pooled: range(H') and "
                "range(W'), dout.shape[2] and dout.shape[3]. H // pool_height (or H // stride) leaves windows out.",
                _backward_by_stride, when=_computable(_backward_by_stride)),
        Mistake("pool_max_assigned", "dx", "An element can be the maximum of several overlapping windows: add "
                "(+=) each window's dout at its maximum, don't assign it.", _max_assigned, when=_overlap),
        Mistake("pool_backward_max_count_times_covering_douts", "dx", "Your dx is the number of windows an element "
                "is the maximum of, times the sum of the douts of every window that covers it. Where windows overlap "
                "(stride smaller than the window), that gives a maximum the douts of windows it is not the maximum "
                "of. Each window's dout goes to its own maximum only: inside the loop over windows, add it there, "
                "dx[..., row, col] += dout[..., i, j].", _count_times_covering_douts, when=_overlap),
    ),
    mistake_ids=POOL_IDS)


def _stride_one_pool(c):
    param = c["pool_param"]
    ph, pw = param["pool_height"], param["pool_width"]
    x = c["x"]
    out = np.empty((*x.shape[:2], x.shape[2] - ph + 1, x.shape[3] - pw + 1))
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            out[:, :, i, j] = x[:, :, i:i + ph, j:j + pw].max(axis=(2, 3))
    return out


# --- spatial batchnorm and groupnorm ------------------------------------------------------------------


def _spatial_config(rng: np.random.Generator) -> dict:
    return {"x": [_size(rng, 2, 4), _size(rng, 1, 4), _size(rng, 2, 4), _size(rng, 2, 4)]}


def _spatial_paths(c) -> list[Path]:
    x_hat, inv_std = _normalise(c["x"], (0, 2, 3), _eps(c, "bn_param"))
    gamma = c["gamma"].reshape(1, -1, 1, 1)
    return _paths(x_hat, inv_std, c.dout * gamma, (0, 2, 3), "spatial_batchnorm")


def _spatial_no_transpose(c):
    """x.reshape(-1, C) without moving C last: each 'feature' column mixes channels and positions."""
    x = c["x"]
    rows = x.reshape(-1, x.shape[1])
    x_hat, _ = _normalise(rows, 0, _eps(c, "bn_param"))
    return (c["gamma"] * x_hat + c["beta"]).reshape(x.shape)


def _spatial_right(c):
    """The right spatial batchnorm output (the mistakes below are it with one thing changed)."""
    return _scaled(c, _normalise(c["x"], (0, 2, 3), _eps(c, "bn_param"))[0], channels=True)


def _spatial_over_batch_only(c):
    x = c["x"]
    x_hat, _ = _normalise(x, 0, _eps(c, "bn_param"))
    return c["gamma"].reshape(1, -1, 1, 1) * x_hat + c["beta"].reshape(1, -1, 1, 1)


def _spatial_per_example(c):
    """Each example's channel normalised over its own H, W (batchnorm called on each example's (H * W, C)
    slice): statistics per example and channel, not over the batch."""
    return _scaled(c, _normalise(c["x"], (2, 3), _eps(c, "bn_param"))[0], channels=True)


SPATIAL_IDS = {
    "spatial_bn_per_example": "spatial batchnorm normalises each example on its own (per example and channel, over "
                              "H, W only), not over N, H, W",
    "spatial_bn_reshape_no_transpose": "spatial batchnorm reshapes x to (-1, C) without moving C last first",
    "spatial_axes_swapped": "spatial batchnorm moves the channels back with swapaxes(1, 3): H and W come out exchanged",
    "spatial_bn_over_batch_only": "spatial batchnorm normalises over N only, per channel and position (not over N, H, W)",
    "spatial_batchnorm_missing_mean_path": "spatial batchnorm dx is missing the path through the channel mean",
    "spatial_batchnorm_missing_var_path": "spatial batchnorm dx is missing the path through the channel variance",
    "spatial_batchnorm_mean_path_wrong": "spatial batchnorm dx's path through the mean has the wrong sign or factor",
    "spatial_batchnorm_var_path_wrong": "spatial batchnorm dx's path through the variance has the wrong sign or factor",
    "spatial_batchnorm_direct_path_wrong": "spatial batchnorm dx's direct path has the wrong factor",
    "eps_ignored": "batchnorm ignores bn_param['eps'] (a hard-coded eps)",
    **EPS_LEFT_OUT,
}

SPATIAL_BATCHNORM = Hidden(
    _spatial_config,
    work=({"x": [2, 100, 10, 10]},),
    edges=({"x": [1, 3, 3, 2]}, {"x": [3, 1, 2, 4]}, {"x": [2, 2, 3, 3], "eps": 1e-2}),
    mistakes=(
        Mistake("spatial_bn_reshape_no_transpose", "out", "Move the channels last before flattening: "
                "x.transpose(0, 2, 3, 1).reshape(-1, C), and back with reshape(N, H, W, C).transpose(0, 3, 1, 2).",
                _spatial_no_transpose),
        Mistake("spatial_bn_over_batch_only", "out", "Spatial batchnorm keeps one mean and variance per channel, taken "
                "over the batch AND every position (axes 0, 2, 3).", _spatial_over_batch_only),
        Mistake("spatial_bn_per_example", "out", "Spatial batchnorm keeps one mean and variance per channel, taken "
                "over the whole batch AND every position (axes 0, 2, 3): normalising each example on its own (a "
                "loop over n calling batchnorm on x[n]) takes them over H, W only.", _spatial_per_example,
                when=lambda c: c["x"].shape[0] > 1),
        Mistake("spatial_axes_swapped", "out", "out has H and W exchanged: (N, H, W, C) moved back with swapaxes(1, "
                "3) or transpose(0, 3, 2, 1) gives (N, C, W, H), which only looks right when H = W. Use "
                "transpose(0, 3, 1, 2).", lambda c: _spatial_right(c).transpose(0, 1, 3, 2),
                when=lambda c: c["x"].shape[2] == c["x"].shape[3] > 1),
        Mistake("eps_left_out", "out", _eps_left_out_hint("bn_param"),
                lambda c: _without_eps_forward(c, (0, 2, 3), channels=True)),
        Mistake("eps_ignored", "out", EPS_IGNORED_HINT.format(param="bn_param"),
                lambda c: _hard_coded_eps(c, (0, 2, 3), channels=True), when=_eps_given("bn_param")),
        Mistake("batchnorm_eps_outside_sqrt", "out", "Put eps inside the square root: (x - mean) / np.sqrt(var + eps).",
                lambda c: _eps_outside_sqrt(c, (0, 2, 3), "bn_param", channels=True)),
    ),
    chain_rule={"dx": ChainRule(_spatial_paths)},
    mistake_ids=SPATIAL_IDS)


def _groupnorm_config(rng: np.random.Generator) -> dict:
    groups = _size(rng, 1, 3)
    return {"x": [_size(rng, 1, 3), groups * _size(rng, 1, 3), _size(rng, 2, 3), _size(rng, 2, 4)], "G": groups}


def _grouped(c, groups):
    x = c["x"]
    n, ch, h, w = x.shape
    x_hat, inv_std = _normalise(x.reshape(n, groups, ch // groups, h, w), (2, 3, 4), _eps(c, "gn_param"))
    return x_hat, inv_std


def _groupnorm_with(groups):
    def value(c):
        x_hat, _ = _grouped(c, groups(c))
        channels = (1, -1, 1, 1)     # gamma and beta have shape (1, C, 1, 1) or (C,): the course chooses
        return c["gamma"].reshape(channels) * x_hat.reshape(c["x"].shape) + c["beta"].reshape(channels)
    return value


def _groupnorm_normalised(c, shape, axes):
    """gamma * x_hat + beta, x_hat normalised over `axes` of x reshaped to `shape(n, ch, h, w, G)`."""
    x = c["x"]
    n, ch, h, w = x.shape
    x_hat, _ = _normalise(x.reshape(shape(n, ch, h, w, c["G"])), axes, _eps(c, "gn_param"))
    channels = (1, -1, 1, 1)
    return c["gamma"].reshape(channels) * x_hat.reshape(x.shape) + c["beta"].reshape(channels)


def _groupnorm_without_eps(c, eps=0.0):
    x = c["x"]
    n, ch, h, w = x.shape
    x_hat, _ = _normalise(x.reshape(n, c["G"], ch // c["G"], h, w), (2, 3, 4), eps)
    return _scaled(c, x_hat.reshape(x.shape), channels=True)


def _groupnorm_hard_coded_eps(c):
    return _groupnorm_without_eps(c, 1e-5)


def _groupnorm_per_position(c):
    """Each (n, h, w) position normalised over the group's channels alone (layernorm on the
    (N * H * W, C // G) slices of x moved channels-last)."""
    return _groupnorm_normalised(c, lambda n, ch, h, w, g: (n, g, ch // g, h, w), 2)


def _groupnorm_over_rows(c):
    """x reshaped to (N * G, C // G * H * W), one row per example and group, but each column normalised
    across the N * G rows (batchnorm's axis 0) instead of each row over its own values."""
    return _groupnorm_normalised(c, lambda n, ch, h, w, g: (n * g, -1), 0)


def _groupnorm_interleaved(c):
    """Groups of channels c with the same c % G: x reshaped to (N, C // G, G, H, W), not (N, G, C // G, H, W)."""
    return _groupnorm_normalised(c, lambda n, ch, h, w, g: (n, ch // g, g, h, w), (1, 3, 4))


def _groupnorm_g_as_size(c):
    """G read as the number of channels in a group: C // G groups of G channels."""
    return _groupnorm_normalised(c, lambda n, ch, h, w, g: (n, ch // g, g, h, w), (2, 3, 4))


def _groupnorm_last_group_short(c):
    """The last group sliced x[:, begin:-1]: its last channel (C - 1) left out of the group's statistics and
    of out, which stays 0 there (the whole group's out when it had one channel)."""
    x = c["x"]
    n, ch, h, w = x.shape
    size = ch // c["G"]
    out = np.zeros_like(x)
    channels = (1, -1, 1, 1)
    gamma, beta = c["gamma"].reshape(channels), c["beta"].reshape(channels)
    for begin in range(0, ch, size):
        end = min(begin + size, ch - 1) if begin + size >= ch else begin + size
        if end <= begin:
            continue
        x_hat, _ = _normalise(x[:, begin:end], (1, 2, 3), _eps(c, "gn_param"))
        out[:, begin:end] = gamma[:, begin:end] * x_hat + beta[:, begin:end]
    return out


def _groupnorm_paths(c) -> list[Path]:
    x_hat, inv_std = _grouped(c, c["G"])
    g = (c.dout * c["gamma"].reshape(1, -1, 1, 1)).reshape(x_hat.shape)
    return [Path(p.name, p.value.reshape(c["x"].shape), p.missing_hint, p.mistake, p.missing_mistake)
            for p in _paths(x_hat, inv_std, g, (2, 3, 4), "groupnorm")]


GROUPNORM_IDS = {
    "groupnorm_last_group_end_minus_one": "groupnorm slices the last group x[:, begin:-1]: its last channel is left "
                                          "out (out 0 there, the group's statistics without it)",
    "groupnorm_ignores_groups": "groupnorm normalises each example over all its channels (layernorm), ignoring G",
    "groupnorm_per_channel": "groupnorm normalises each channel on its own (instance norm), ignoring G",
    "groupnorm_per_position": "groupnorm normalises each (n, h, w) position over its group's channels only, not over "
                              "the group's channels and every position",
    "groupnorm_channels_interleaved": "groupnorm puts every G-th channel in one group (x.reshape(N, C // G, G, ...)) "
                                      "instead of C // G consecutive channels",
    "groupnorm_g_is_group_size": "groupnorm reads G as the number of channels in a group (C // G groups of G) "
                                 "instead of the number of groups",
    "groupnorm_missing_mean_path": "groupnorm dx is missing the path through the group mean",
    "groupnorm_missing_var_path": "groupnorm dx is missing the path through the group variance",
    "groupnorm_mean_path_wrong": "groupnorm dx's path through the mean has the wrong sign or factor",
    "groupnorm_var_path_wrong": "groupnorm dx's path through the variance has the wrong sign or factor",
    "groupnorm_direct_path_wrong": "groupnorm dx's direct path has the wrong factor",
    "norm_eps_ignored": "layernorm / groupnorm ignores ln_param['eps'] / gn_param['eps'] (a hard-coded eps)",
    **EPS_LEFT_OUT,
}

GROUPNORM = Hidden(
    _groupnorm_config,
    work=({"x": [100, 8, 5, 5], "G": 2},),
    edges=({"x": [1, 4, 2, 3], "G": 2}, {"x": [2, 3, 2, 2], "G": 1}, {"x": [2, 3, 3, 2], "G": 3},
           {"x": [2, 4, 2, 2], "G": 2, "eps": 1e-2}),
    mistakes=(
        Mistake("groupnorm_ignores_groups", "out", "Split the C channels into G groups first: reshape x to "
                "(N, G, C // G, H, W) and normalise over axes (2, 3, 4).", _groupnorm_with(lambda c: 1),
                when=lambda c: c["G"] > 1),
        Mistake("groupnorm_per_channel", "out", "A group holds C // G channels, normalised together: reshape x to "
                "(N, G, C // G, H, W) and normalise over axes (2, 3, 4).", _groupnorm_with(lambda c: c["x"].shape[1]),
                when=lambda c: c["G"] < c["x"].shape[1]),
        Mistake("groupnorm_per_position", "out", "A group's mean and variance are taken over its channels AND every "
                "position (h, w), one pair per example and group: reshape x to (N, G, C // G, H, W) and normalise "
                "over axes (2, 3, 4), not over the channels of each position alone.", _groupnorm_per_position,
                when=lambda c: c["G"] < c["x"].shape[1]),
        Mistake("out_axis_off", "out", "Each example's group is normalised over its own values: with x reshaped "
                "to (N * G, C // G * H * W), one row per example and group, take the mean and variance of each row "
                "(axis 1, keepdims=True), not of each column across the N * G rows (axis 0, as batchnorm does), "
                "which mixes the examples and the groups.", _groupnorm_over_rows,
                when=lambda c: c["x"].shape[0] * c["G"] > 1),
        Mistake("groupnorm_channels_interleaved", "out", "Group g holds the C // G consecutive channels g * C // G to "
                "(g + 1) * C // G: reshape x to (N, G, C // G, H, W). (N, C // G, G, H, W) puts every G-th channel "
                "in one group.", _groupnorm_interleaved, when=lambda c: 1 < c["G"] < c["x"].shape[1]),
        Mistake("groupnorm_g_is_group_size", "out", "G is the number of groups, each of C // G channels: reshape x "
                "to (N, G, C // G, H, W). Yours makes C // G groups of G channels.", _groupnorm_g_as_size,
                when=lambda c: 1 < c["G"] < c["x"].shape[1] and c["G"] ** 2 != c["x"].shape[1]),
        Mistake("groupnorm_last_group_end_minus_one", "out", "The last channel's out is 0: your last group's slice "
                "stops before channel C - 1 (x[:, begin:-1] leaves the last channel out; -1 is not \"to the end\"). "
                "Slice every group x[:, g * (C // G):(g + 1) * (C // G)], the last one too.", _groupnorm_last_group_short,
                when=lambda c: c["x"].shape[1] > 1),
        Mistake("norm_eps_ignored", "out", EPS_IGNORED_HINT.format(param="gn_param"), _groupnorm_hard_coded_eps,
                when=_eps_given("gn_param")),
        Mistake("eps_left_out", "out", _eps_left_out_hint("gn_param"), _groupnorm_without_eps),
    ),
    chain_rule={"dx": ChainRule(_groupnorm_paths)},
    mistake_ids=GROUPNORM_IDS)


HIDDEN = {"batchnorm_alt": BATCHNORM_ALT, "layernorm": LAYERNORM, "dropout": DROPOUT, "conv": CONV,
          "max_pool": MAX_POOL, "spatial_batchnorm": SPATIAL_BATCHNORM, "spatial_groupnorm": GROUPNORM}
