"""Each named mistake, made once in an otherwise correct submission, gets its id and its hint."""
from __future__ import annotations

from pathlib import Path

import pytest

from grader.diagnosis.mistake_ids import catalogue as mistake_catalogue
from grader.engine import grade
from grader.exercises import catalogue
from grader.report.text import to_text
from grader.results import Visibility

MISTAKES = mistake_catalogue(catalogue(Path(__file__).resolve().parents[2]).exercises())

BN_DX = "dx = (gamma * inv_std / N) * (N * dout - dbeta - x_hat * dgamma)"
SOFTMAX_ONEHOT = "dx[rows, y] -= 1.0"

LAYERS = [
    # (old, new, function, mistake, a word of the hint)
    (BN_DX, "dx = (gamma * inv_std / N) * (N * dout - x_hat * dgamma)", "batchnorm_backward",
     "missing_mean_path", "mean"),
    (BN_DX, "dx = (gamma * inv_std / N) * (N * dout - dbeta)", "batchnorm_backward", "missing_var_path", "variance"),
    (BN_DX, "dx = (gamma * inv_std / N) * (N * dout - dbeta + x_hat * dgamma)", "batchnorm_backward",
     "var_path_wrong", "wrong sign"),
    (BN_DX, "dx = (gamma * inv_std / N) * (N * dout - dbeta - N * x_hat * dgamma)", "batchnorm_backward",
     "var_path_wrong", "times too large"),
    (SOFTMAX_ONEHOT, "dx[:, y] -= 1.0", "softmax_loss", "softmax_onehot_all_rows", "every row"),
    (SOFTMAX_ONEHOT, "dx[rows, y] -= 2.0", "softmax_loss", "softmax_onehot_scaled", "one_hot"),
    ("loss = -log_probs[rows, y].mean()", "loss = -log_probs[rows, y - 1].mean()", "softmax_loss",
     "softmax_labels_one_based", "0-based"),
    ("dx = (x > 0) * dout", "x[x > 0] = 1.0\n    x[x < 0] = 0.0\n    dx = x * dout", "relu_backward",
     "input_mutated_by_backward", "reference, not a copy"),
    ("dx = (x > 0) * dout", "dx = dout\n    dx[x <= 0] = 0\n    dx = dx", "relu_backward", "dout_mutated",
     "other branch"),
    ("dx = (x > 0) * dout", "dx = (dout > 0) * dout", "relu_backward", "relu_mask_from_dout", "not dout > 0"),
    ("db = dout.sum(axis=0)", "db = dout.sum(axis=0, keepdims=True)", "affine_backward", "db_keepdims", "keepdims"),
    ("db = dout.sum(axis=0)", "db = dout.sum(axis=1)", "affine_backward", "db_wrong_axis", "wrong axis"),
    ("bn_param['running_var'] = momentum * running_var + (1 - momentum) * var",
     "bn_param['running_var'] = momentum * running_var + (1 - momentum) * x.var(axis=0, ddof=1)",
     "batchnorm_forward", "running_var_unbiased", "biased"),
    ("momentum = bn_param.get('momentum', 0.9)", "momentum = 0.9", "batchnorm_forward",
     "running_momentum_ignored", "momentum"),
    ("x_hat = (x - running_mean) / np.sqrt(running_var + eps)", "x_hat = (x - running_mean) / np.sqrt(running_var)",
     "batchnorm_forward", "test_mode_no_eps", "eps"),
    ("bn_param['running_mean'] = momentum * running_mean + (1 - momentum) * mean",
     "bn_param['running_mean'] = running_mean[None, :] * momentum + (1 - momentum) * x.mean(axis=0, keepdims=True)",
     "batchnorm_forward", "running_stats_keepdims", "keepdims"),
]


@pytest.mark.parametrize("old, new, function, mistake, words", LAYERS, ids=[row[3] for row in LAYERS])
def test_a_named_mistake_gets_its_id_and_hint(mutant, failing, old, new, function, mistake, words):
    assert mistake in MISTAKES
    report = grade(mutant("layers", old, new), assignment="layers", public_only=True)
    flagged = failing(report, function)
    named = [t for t in flagged if t.mistake == mistake]
    assert named, [(t.check, t.mistake, t.hint) for t in flagged]
    assert any(words in (t.hint or "") for t in named), [t.hint for t in named]
    others = {t.function for t in failing(report)} - {function}
    assert not others   # one bug, one penalty


def test_a_failed_gradient_carries_its_measures(mutant, failing):
    report = grade(mutant("layers", BN_DX, "dx = -(gamma * inv_std / N) * (N * dout - dbeta - x_hat * dgamma)"),
                   assignment="layers", public_only=True)
    [gradient] = [t for t in failing(report, "batchnorm_backward") if t.check == "gradient"]
    assert gradient.mistake == "dx_sign"
    assert gradient.measures["scale"] == pytest.approx(-1.0)
    assert gradient.measures["cosine"] == pytest.approx(-1.0)
    assert gradient.measures["relative_error"] == pytest.approx(2.0)
    assert gradient.to_dict()["measures"] == gradient.measures


def test_a_matmul_shape_error_is_solved_from_the_shapes(mutant, failing):
    report = grade(mutant("layers", "dx = (dout @ w.T).reshape(x.shape)", "dx = (dout @ w).reshape(x.shape)"),
                   assignment="layers", public_only=True)
    [first, *_] = failing(report, "affine_backward")
    assert first.mistake == "shape_error"
    assert "dx must be (4, 5): dx = dout @ w.T" in first.hint and "dw = x.T @ dout" in first.hint


def test_a_broadcast_error_says_which_axis_to_keep(mutant, failing):
    report = grade(mutant("layers", "mean = x.mean(axis=0)", "mean = x.mean(axis=1)"), assignment="layers",
                   public_only=True)
    errors = [t for t in failing(report, "batchnorm_forward") if t.mistake == "shape_error"]
    assert errors and "keepdims=True" in errors[0].hint


def test_the_same_exception_in_several_checks_is_shown_once_with_a_count(mutant):
    # Public and hidden cases differ in shapes, so the messages differ in their [inputs: ...] only.
    report = grade(mutant("layers", "dx = (x > 0) * dout", "dx = (x > 0) * dout + undefined_name"),
                   assignment="layers")
    text = to_text(report)
    relu = text.split("relu_backward", 1)[1].split("sigmoid_forward", 1)[0]
    assert relu.count("NameError") == 1, relu
    assert "more check(s)" in relu


def test_stubs_say_not_implemented(failing):
    from pathlib import Path
    stub = Path(__file__).resolve().parents[1] / "corpus" / "buggy" / "layers_stub.py"
    report = grade(stub, assignment="layers", public_only=True)
    assert {t.mistake for t in failing(report)} >= {"not_implemented"}


def test_a_file_that_cannot_be_imported_says_so_in_every_test(write):
    report = grade(write("import numpy as np\nraise RuntimeError('experiments at import time')\n"
                         "def relu_forward(x):\n    return x, x\n"), assignment="layers", public_only=True)
    assert report.tests and {t.mistake for t in report.tests} == {"import_failed"}


# Mistakes read in students' code outside this repository (issue 20's list), each made once.
ROUND_3_LAYERS = [
    ("shifted = x - x.max(axis=1, keepdims=True)", "shifted = x - x.max()", "softmax_loss",
     "softmax_batch_max_shift", "each row's own max"),
    ("var = x.var(axis=0)  # biased", "var = (x ** 2).mean(axis=0) - mean ** 2  # biased", "batchnorm_forward",
     "batchnorm_variance_cancellation", "E[x^2] - E[x]^2"),
    ("x_hat = (x - running_mean) / np.sqrt(running_var + eps)",
     "x_hat = (x - running_mean) / (np.sqrt(running_var) + eps)", "batchnorm_forward",
     "test_mode_eps_outside_sqrt", "inside the square root"),
    ("    if mode == 'test':\n", "    bn_param['running_mean'] = 0.5 * running_mean\n    if mode == 'test':\n",
     "batchnorm_forward", "test_mode_changed_running_stats", "train branch"),
    ("out = np.maximum(x, 0.0)", "out = np.max(x, 0)", "relu_forward", "np_max_not_maximum", "np.maximum(x, 0)"),
    ("dx = s * (1.0 - s) * dout", "dx = np.where(x_sign >= 0, s * (1.0 - s), -s ** 2) * dout", "sigmoid_backward",
     "sigmoid_stable_branch_dropped", "numerator"),
]


@pytest.mark.parametrize("old, new, function, mistake, words", ROUND_3_LAYERS, ids=[row[3] for row in ROUND_3_LAYERS])
def test_a_mistake_read_in_students_code_is_named(mutant, failing, old, new, function, mistake, words):
    changes = [old, new]
    if mistake == "sigmoid_stable_branch_dropped":      # the backward needs the sign of x: keep it in the cache
        changes += ["    cache = out  # the derivative", "    cache = (out, x)  # the derivative",
                    "    s = cache\n", "    s, x_sign = cache\n"]
    report = grade(mutant("layers", *changes), assignment="layers")
    flagged = failing(report, function)
    named = [t for t in flagged if t.mistake == mistake]
    assert named, [(t.check, t.mistake, t.hint) for t in flagged]
    assert mistake in MISTAKES and all(words in (t.hint or "") for t in named), [t.hint for t in named]
    # One bug, one penalty; an unstable forward makes its backward's stability check fail too, for
    # the same mistake (the cache it hands over is already wrong there).
    others = [t for t in failing(report) if t.function != function]
    assert all(t.check == "gradient stability" and t.mistake == mistake for t in others), \
        [(t.function, t.check, t.mistake) for t in others]


ROUND_3_GATES = [
    ("    out = np.maximum(a, b)\n", "    out = np.max(np.array([a, b]), axis=0)\n", "max_forward", "max_stacked_inputs",
     "np.maximum(a, b)"),
    ("    grad = grad.sum(axis=tuple(range(extra)))\n", "    for axis in range(extra):\n        grad = grad.sum(axis=axis)\n",
     None, "unbroadcast_axis_shift", "keepdims"),
    ("    da = unbroadcast(b * a ** (b - 1) * dout, a.shape)",
     "    da = unbroadcast((b * a ** b - 1) * dout, a.shape)", "pow_backward", "pow_exponent_precedence", "**"),
    ("    da = unbroadcast(b * a ** (b - 1) * dout, a.shape)",
     "    da = unbroadcast((b * a ** (b - 1) + out * np.log(a)) * dout, a.shape)", "pow_backward",
     "pow_total_derivative", "partial"),
]


@pytest.mark.parametrize("old, new, function, mistake, words", ROUND_3_GATES, ids=[row[3] for row in ROUND_3_GATES])
def test_a_gate_mistake_read_in_students_code_is_named(mutant, failing, old, new, function, mistake, words):
    report = grade(mutant("gates", old, new), assignment="gates")
    flagged = failing(report, function)
    named = [t for t in flagged if t.mistake == mistake]
    assert named, [(t.function, t.check, t.mistake, t.hint) for t in flagged]
    assert mistake in MISTAKES and all(words in (t.hint or "") for t in named), [t.hint for t in named]


def test_a_gate_given_a_python_float_that_reads_its_shape_is_told_so(mutant, failing):
    # The API lets a gate's input be a plain number; a backward reading b.shape crashes on one.
    report = grade(mutant("gates", "    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)\n"
                                   "    out = a + b\n", "    out = a + b\n"), assignment="gates")
    flagged = failing(report, "add_backward")
    assert flagged and all(t.visibility == "hidden" and t.check == "gradient edge cases" for t in flagged)
    assert {t.mistake for t in flagged} == {"python_scalar_input"} and "np.asarray" in flagged[0].hint
    assert "b a Python float" in flagged[0].output
    assert "python_scalar_input" in MISTAKES


# Found by measuring tests/corpus_real_style (issue 20, second part), each made once.
ROUND_3_MEASURED_LAYERS = [
    ("bn_param['running_var'] = momentum * running_var + (1 - momentum) * var",
     "bn_param['running_var'] = momentum * running_var + (1 - momentum) * np.sqrt(var)", "batchnorm_forward",
     "running_var_std", "not its standard deviation"),
    ("bn_param['running_var'] = momentum * running_var + (1 - momentum) * var",
     "bn_param['running_var'] = momentum * running_var + (1 - momentum) * (var + eps)", "batchnorm_forward",
     "running_var_plus_eps", "not stored in running_var"),
    ("mean = x.mean(axis=0)\n    var = x.var(axis=0)", "mean = x.mean()\n    var = x.var()", "batchnorm_forward",
     "batchnorm_stats_not_per_feature", "axis=0"),
    ("    inv_std = 1.0 / np.sqrt(var + eps)\n",
     "    bn_param['running_mean'] = momentum * running_mean + (1 - momentum) * mean\n"
     "    bn_param['running_var'] = momentum * running_var + (1 - momentum) * var\n"
     "    mean, var = bn_param['running_mean'], bn_param['running_var']\n"
     "    inv_std = 1.0 / np.sqrt(var + eps)\n", "batchnorm_forward", "train_mode_running_stats", "own mean"),
    # The direct path divided by var instead of std: a factor that changes from feature to feature,
    # which the per-column fit of the chain-rule paths names.
    (BN_DX, "dx = gamma * dout * inv_std ** 2 - (gamma * inv_std / N) * (dbeta + x_hat * dgamma)",
     "batchnorm_backward", "direct_path_wrong", "feature to feature"),
    ("dx = s * (1.0 - s) * dout", "dx = 1 / (1 + np.exp(-s)) * (1 - 1 / (1 + np.exp(-s))) * dout",
     "sigmoid_backward", "sigmoid_of_output", "again"),
]


@pytest.mark.parametrize("old, new, function, mistake, words", ROUND_3_MEASURED_LAYERS,
                         ids=[row[3] for row in ROUND_3_MEASURED_LAYERS])
def test_a_mistake_measured_on_real_styles_is_named(mutant, failing, old, new, function, mistake, words):
    report = grade(mutant("layers", old, new), assignment="layers")
    named = [t for t in failing(report, function) if t.mistake == mistake]
    assert named, [(t.check, t.mistake, t.hint) for t in failing(report, function)]
    assert mistake in MISTAKES and all(words in (t.hint or "") for t in named), [t.hint for t in named]


def test_a_nan_gradient_that_a_declared_mistake_explains_is_named_not_sent_to_look_for_a_log_of_0(mutant, failing):
    # db = a ** b * log(b): NaN wherever b < 0, exactly where the declared mistake is NaN too.
    report = grade(mutant("gates", "db = unbroadcast(out * np.log(a) * dout, b.shape)",
                          "db = unbroadcast(out * np.log(b) * dout, b.shape)"), assignment="gates")
    [flag, *_] = failing(report, "pow_backward")
    assert flag.mistake == "pow_log_of_exponent" and "log(a)" in flag.hint


def test_an_axis_shift_that_reads_a_shape_past_its_end_is_named(mutant, failing):
    # Summing size-1 axes without keepdims in a loop, then reading grad.shape[axis] of the shrunk array.
    loop = ("    for axis, size in enumerate(shape):\n        if size == 1 and grad.shape[axis] != 1:\n"
            "            grad = grad.sum(axis=axis)\n    return grad.reshape(shape)\n")
    report = grade(mutant("gates", "    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)\n"
                                   "    return grad.sum(axis=stretched, keepdims=True)\n", loop), assignment="gates")
    named = [t for t in failing(report) if t.mistake == "unbroadcast_axis_shift"]
    assert named and all("keepdims=True" in t.hint for t in named)


MODE_CHECK = ("    if mode not in ('train', 'test'):\n"
              "        raise ValueError(f\"bn_param['mode'] must be 'train' or 'test', not {mode!r}\")\n")


@pytest.mark.parametrize("replacement, words", [("", "accepted"), (MODE_CHECK.replace("ValueError", "KeyError"),
                                                                       "raised KeyError")])
def test_a_batchnorm_that_does_not_refuse_an_unknown_mode_loses_the_small_check_only(mutant, failing, replacement, words):
    report = grade(mutant("layers", MODE_CHECK, replacement), assignment="layers")
    [flag] = failing(report)
    assert (flag.function, flag.check, flag.max_score) == ("batchnorm_forward", "invalid arguments", 0.5)
    assert flag.mistake == "batchnorm_invalid_mode" and words in flag.output and "'validation'" in flag.output
    assert "raise ValueError" in flag.hint


def test_a_sum_that_leaves_a_negative_axis_unsummed_is_not_told_to_check_keepdims(mutant, failing):
    # The output has one axis more than it should, and it is not of size 1: keepdims cannot explain it.
    report = grade(mutant("gates", "    out = x.sum(axis=axis, keepdims=keepdims)\n",
                          "    axes = (axis,) if isinstance(axis, int) else axis\n"
                          "    if axes is not None:\n        axes = tuple(a for a in axes if a >= 0)\n"
                          "    out = x.sum(axis=axes, keepdims=keepdims)\n"), assignment="gates")
    flags = [t for t in failing(report, "sum_forward") if t.mistake == "out_wrong_shape"]
    assert flags and all("negative axis" in t.hint and "keepdims" not in t.hint.split(":")[0] for t in flags)


@pytest.mark.parametrize("mask_line", ["dx = np.zeros_like(x)\n    dx[x > 0] = dout",
                                       "dx = np.zeros_like(x).ravel()\n    dx[(x > 0).ravel()] = dout.ravel()\n"
                                       "    dx = dx.reshape(x.shape)"])
def test_an_assignment_through_a_mask_given_all_of_dout_is_named(mutant, failing, mask_line):
    # 2-d dout: TypeError from NumPy; 1-d (raveled): ValueError about the counts. Both the same slip.
    report = grade(mutant("layers", "dx = (x > 0) * dout", mask_line), assignment="layers")
    named = [t for t in failing(report, "relu_backward") if t.mistake == "mask_assignment"]
    assert named and all("dout[mask]" in t.hint for t in named)


# Found by measuring round 17 of tests/corpus_held_out (issue 20), each made once.
ROUND_17_BATCHNORM_STATE = [
    # a leftover update above the one that counts: the statistics move towards the batch twice
    ("    bn_param['running_mean'] = momentum * running_mean + (1 - momentum) * mean\n",
     "    running_mean = momentum * running_mean + (1 - momentum) * mean\n"
     "    bn_param['running_mean'] = momentum * running_mean + (1 - momentum) * mean\n",
     "running_stats_updated_twice", "twice"),
    ("        return gamma * x_hat + beta, None", "        return x_hat, None", "test_mode_missing_gamma_beta",
     "without the scale and shift"),
    ("        return gamma * x_hat + beta, None", "        return x_hat + beta, None", "test_mode_missing_gamma",
     "scale by gamma"),
    # test mode before any train call: the statistics read without the starter's defaults
    ("        x_hat = (x - running_mean) / np.sqrt(running_var + eps)",
     "        x_hat = (x - bn_param['running_mean']) / np.sqrt(bn_param['running_var'] + eps)",
     "missing_key", "before the first train call"),
    ("        x_hat = (x - running_mean) / np.sqrt(running_var + eps)",
     "        x_hat = (x - running_mean) / np.sqrt(bn_param.get('running_var', np.ones(D)) + eps)",
     "running_stats_default_wrong", "np.zeros(D)"),
]


@pytest.mark.parametrize("old, new, mistake, words", ROUND_17_BATCHNORM_STATE,
                         ids=[row[2] for row in ROUND_17_BATCHNORM_STATE])
def test_a_batchnorm_state_mistake_measured_on_round_17_is_named(mutant, failing, old, new, mistake, words):
    report = grade(mutant("layers", old, new), assignment="layers")
    flagged = failing(report, "batchnorm_forward")
    assert [t.check for t in flagged] == ["running statistics"], [(t.check, t.mistake, t.hint) for t in flagged]
    assert flagged[0].mistake == mistake and words in flagged[0].hint, (flagged[0].mistake, flagged[0].hint)
    assert mistake in MISTAKES


# Found by measuring round 23 of tests/corpus_held_out (issue 20), each made once.
RUNNING_VAR = "bn_param['running_var'] = momentum * running_var + (1 - momentum) * var"
ROUND_23_RUNNING_VAR = [
    # the running_mean line copied: running_var decays the running mean, freshly updated or not yet
    ("bn_param['running_var'] = momentum * bn_param['running_mean'] + (1 - momentum) * var",
     "running_var_decays_running_mean"),
    ("bn_param['running_var'] = momentum * running_mean + (1 - momentum) * var", "running_var_decays_running_mean"),
    # must not fire: the batch's mean in place of its variance is another copied slip, with its own id
    ("bn_param['running_var'] = momentum * running_var + (1 - momentum) * mean", "running_var_from_mean"),
]


@pytest.mark.parametrize("new, mistake", ROUND_23_RUNNING_VAR)
def test_a_running_variance_that_decays_the_running_mean_is_named(mutant, failing, new, mistake):
    report = grade(mutant("layers", RUNNING_VAR, new), assignment="layers")
    flagged = failing(report, "batchnorm_forward")
    assert [t.check for t in flagged] == ["running statistics"], [(t.check, t.mistake, t.hint) for t in flagged]
    assert flagged[0].mistake == mistake and mistake in MISTAKES, (flagged[0].mistake, flagged[0].hint)
    assert ("decays the running mean" in flagged[0].hint) == (mistake == "running_var_decays_running_mean")


# Round 25: the running variance updated with the std the normalisation divides by, np.sqrt(var + eps)
# (with eps, unlike x.std(axis=0)); var + eps without the root keeps its own id.
ROUND_25_RUNNING_VAR = [
    ("bn_param['running_var'] = momentum * running_var + (1 - momentum) * np.sqrt(var + eps)", "running_var_std",
     "not its standard deviation"),
    ("bn_param['running_var'] = momentum * running_var + (1 - momentum) * x.std(axis=0)", "running_var_std",
     "not its standard deviation"),
    ("bn_param['running_var'] = momentum * running_var + (1 - momentum) * (var + eps)", "running_var_plus_eps",
     "eps is added where test mode divides"),
]


@pytest.mark.parametrize("new, mistake, words", ROUND_25_RUNNING_VAR)
def test_a_running_variance_updated_with_the_std_is_named(mutant, failing, new, mistake, words):
    report = grade(mutant("layers", RUNNING_VAR, new), assignment="layers")
    flagged = failing(report, "batchnorm_forward")
    assert [t.check for t in flagged] == ["running statistics"], [(t.check, t.mistake, t.hint) for t in flagged]
    assert flagged[0].mistake == mistake and words in flagged[0].hint, (flagged[0].mistake, flagged[0].hint)


# A per-feature guess at d x_hat_i / d x_i times dout[i] (its variance term without (x_i - mean) ** 2):
# named by its value where it is that declared guess; any other dx whose row i uses dout[i] alone is
# named by running the student's backward with only dout's first (then last) row changed (round 25:
# a per-element formula times (1 - 1/N), no declared value); a wrong dx that gathers dout over the
# batch is not told it uses dout[i] alone. (None, proof): whether the hint says it ran the backward.
DIAGONAL_GUESS = [
    ("dx = gamma * dout * ((1 - 1 / N) * inv_std - (N - 1) / (2 * N ** 2) * inv_std ** 3)", False),
    ("dx = gamma * dout * ((1 - 1 / N) * inv_std - (N - 1) / (3 * N ** 2) * inv_std ** 3)", True),
    ("dx = (gamma * dout * inv_std - gamma * dout * x_hat ** 2 * inv_std / N) * (1 - 1 / N)", True),
    ("dx = (gamma * inv_std / N) * (N * dout - 2 * dbeta - x_hat * dgamma) * 1.5", None),
]


@pytest.mark.parametrize("new, proof", DIAGONAL_GUESS)
def test_a_per_example_dx_is_named_by_its_value_or_by_running_the_backward(mutant, failing, new, proof):
    report = grade(mutant("layers", BN_DX, new), assignment="layers", seed=1)
    flagged = [t for t in failing(report, "batchnorm_backward") if t.check == "gradient"]
    assert flagged, [(t.check, t.mistake) for t in failing(report)]
    said = [t.mistake == "batchnorm_dx_diagonal_only" and "dout[i] alone" in t.hint for t in flagged]
    assert all(said) if proof is not None else not any(said), [(t.mistake, t.hint) for t in flagged]
    if proof is not None:
        assert all(("Changing only dout's first row" in t.hint) == proof for t in flagged), [t.hint for t in flagged]


@pytest.mark.parametrize("dx, named", [
    # round 16's open file: a per-example derivative with (1 - 1/N) on the variance term too, no declared value
    ("    dx = dout * gamma * inv_std * (1 - x_hat ** 2 / x_hat.shape[0]) * (1 - 1 / x_hat.shape[0])", True),
    # a wrong dx that gathers dout over the batch (the mean path doubled) is not told it uses dout_i alone
    ("    dx = _normalise_backward(dout * gamma, x_hat, inv_std, 0) - inv_std * (dout * gamma).mean(axis=0)", False),
])
def test_a_batchnorm_alt_dx_that_uses_each_examples_dout_alone_is_named_by_running_it(mutant, dx, named):
    report = grade(mutant("layers2", "    dx = _normalise_backward(dout * gamma, x_hat, inv_std, 0)", dx),
                   assignment="layers2", seed=1)
    flagged = [t for t in report.tests if t.function == "batchnorm_backward_alt" and t.check == "gradient"
               and t.status != "passed"]
    assert flagged, [(t.function, t.check, t.mistake) for t in report.tests if t.status != "passed"]
    said = [t.mistake == "batchnorm_jacobian_diagonal_only" and "dout_i alone" in t.hint for t in flagged]
    assert all(said) if named else not any(said), [(t.mistake, t.hint) for t in flagged]


# An extra size-1 axis on dx (round 25: dx reshaped to three axes, (N, D, 1) for a 2-D x): keepdims is
# named only where the backward has one to blame; otherwise the entries are all there (dx_not_reshaped).
EXTRA_AXIS = [
    ("dx = np.reshape(dout @ w.T, (x.shape[0], x.shape[1], -1))", "dx_not_reshaped", "no keepdims in affine_backward"),
    ("dx = (dout @ w.T).reshape(x.shape)[..., None].sum(axis=-1, keepdims=True)", "dx_keepdims", "Sum without keepdims"),
]
# A broadcast input's gradient summed with a kept axis and no keepdims (round 23): still db_keepdims.
DB_ONES_ROW = ("db = dout.sum(axis=0)", "db = np.ones((1, dout.shape[0])) @ dout")


@pytest.mark.parametrize("new, mistake, words", EXTRA_AXIS, ids=[row[1] for row in EXTRA_AXIS])
def test_an_extra_size_one_axis_is_blamed_on_keepdims_only_where_the_code_has_one(mutant, failing, new, mistake, words):
    report = grade(mutant("layers", "dx = (dout @ w.T).reshape(x.shape)", new), assignment="layers", seed=1)
    flagged = [t for t in failing(report, "affine_backward") if t.check == "gradient"]
    # the public case's x is 2-D (a hidden one of four axes would be (N, d1, d2 * d3), another reading)
    public = [t for t in flagged if t.visibility is Visibility.VISIBLE]
    assert public and all(t.mistake == mistake and words in t.hint for t in public), \
        [(t.mistake, t.hint) for t in flagged]


def test_a_bias_gradient_summed_by_a_row_of_ones_keeps_its_keepdims_reading(mutant, failing):
    report = grade(mutant("layers", *DB_ONES_ROW), assignment="layers", seed=1)
    flagged = [t for t in failing(report, "affine_backward") if t.check == "gradient"]
    assert flagged and all(t.mistake == "db_keepdims" for t in flagged), [(t.mistake, t.hint) for t in flagged]


# A gradient is linear in dout: proven on the student's backward (grader.checks.dout_linearity),
# whatever else is wrong with it (two slips here, so no one change fixes it).
NOT_LINEAR_IN_DOUT = [
    ("dx = (gamma * inv_std / N) * (N * dout - 1 - x_hat * dgamma) * 2", "dx_term_without_dout", "With dout = 0"),
    ("dx = 2 * (gamma * dout * inv_std / N) * (N * dout - dbeta - x_hat * dgamma)", "dx_dout_twice",
     "grows as dout squared"),
]


@pytest.mark.parametrize("new, mistake, words", NOT_LINEAR_IN_DOUT, ids=[row[1] for row in NOT_LINEAR_IN_DOUT])
def test_a_gradient_not_linear_in_dout_is_told_so(mutant, failing, new, mistake, words):
    report = grade(mutant("layers", BN_DX, new), assignment="layers", seed=1)
    flagged = [t for t in failing(report, "batchnorm_backward") if t.check == "gradient"]
    assert flagged and all(t.mistake == mistake and words in t.hint for t in flagged), \
        [(t.check, t.mistake, t.hint) for t in flagged]


def test_a_wrong_gradient_linear_in_dout_is_not_told_it_is_not(mutant, failing):
    # Wrong by a factor per column (var where std belongs, and the mean path doubled): linear in dout,
    # so neither reading applies, whatever names it.
    report = grade(mutant("layers", BN_DX, "dx = (gamma * inv_std ** 2 / N) * (N * dout - 2 * dbeta - x_hat * dgamma)"),
                   assignment="layers", seed=1)
    flagged = failing(report, "batchnorm_backward")
    assert flagged and not {t.mistake for t in flagged} & {"dx_term_without_dout", "dx_dout_twice"}


SVM_DX = "    positive = (margins > 0).astype(x.dtype)\n    positive[rows, y] = -positive.sum(axis=1)"


def test_an_svm_dx_given_the_margins_values_for_its_indicator_is_named(mutant, failing):
    # Round 22: dx[i, j] += margin where 1 belongs, the correct class's count right.
    report = grade(mutant("svm", SVM_DX, "    positive = margins.copy()\n    positive[rows, y] = -(margins > 0).sum(axis=1)"),
                   assignment="svm")
    named = [t for t in failing(report, "svm_loss") if t.mistake == "svm_dx_margin_value_for_indicator"]
    assert named and "not its own value" in named[0].hint
    assert "svm_dx_margin_value_for_indicator" in MISTAKES
    # The margins' values in the correct class's term too: another dx, not this mistake.
    other = grade(mutant("svm", SVM_DX, "    positive = margins.copy()\n    positive[rows, y] = -positive.sum(axis=1)"),
                  assignment="svm")
    flagged = failing(other, "svm_loss")
    assert flagged and "svm_dx_margin_value_for_indicator" not in {t.mistake for t in flagged}


def test_svm_margins_reversed_and_summed_without_the_hinge_are_named(mutant, failing):
    # Round 24: the correct score minus the wrong one, + 1, every margin summed, negative ones too.
    margins = "    margins = np.maximum(0.0, x - x[rows, y][:, None] + 1.0)\n"
    report = grade(mutant("svm", margins, "    margins = x[rows, y][:, None] - x + 1.0\n"), assignment="svm")
    named = [t for t in failing(report, "svm_loss") if t.mistake == "svm_margin_reversed_without_hinge"]
    assert named and named[0].check == "loss" and "max(0, x[j] - x[y] + 1)" in named[0].hint
    assert "svm_margin_reversed_without_hinge" in MISTAKES
    # Reversed but clipped by the hinge: another loss, not this mistake.
    clipped = grade(mutant("svm", margins, "    margins = np.maximum(0.0, x[rows, y][:, None] - x + 1.0)\n"),
                    assignment="svm")
    flagged = failing(clipped, "svm_loss")
    assert flagged and "svm_margin_reversed_without_hinge" not in {t.mistake for t in flagged}


def test_an_svm_loss_that_drops_a_wrong_class_tied_with_the_correct_one_is_named(mutant, failing):
    # Round 22: the correct classes removed as the differences x - x[y] equal to 0, a tied wrong class with them.
    tied = "    loss = margins[x != x[rows, y][:, None]].sum() / n"
    report = grade(mutant("svm", "    loss = margins.sum() / n", tied), assignment="svm")
    flagged = failing(report, "svm_loss")
    assert flagged and {t.mistake for t in flagged} == {"svm_correct_class_by_margin"}
    assert "counts in the loss" in flagged[0].hint
    # Another wrong loss on the same tied case is not said to drop the tie.
    other = grade(mutant("svm", "    loss = margins.sum() / n", tied + " + 0.5 * (n > 3)"), assignment="svm")
    flagged = failing(other, "svm_loss")
    assert flagged and "svm_correct_class_by_margin" not in {t.mistake for t in flagged}


SVM_LOSS = "    loss = margins.sum() / n"


def test_an_svm_hinge_applied_to_each_rows_sum_of_margins_is_named(mutant, failing):
    # Round 25: max(0, .) of each example's total of its margins, the positive totals summed.
    row_sums = "    totals = (x - x[rows, y][:, None] + 1.0).sum(axis=1) - 1.0\n    loss = totals[totals > 0].sum() / n"
    report = grade(mutant("svm", SVM_LOSS, row_sums), assignment="svm", seed=1)
    named = [t for t in failing(report, "svm_loss") if t.mistake == "svm_hinge_applied_to_row_sum"]
    assert named and named[0].check == "loss" and "before the sum" in named[0].hint
    assert "svm_hinge_applied_to_row_sum" in MISTAKES
    # The row's total without the hinge at all: another loss, not this mistake.
    unclipped = "    loss = ((x - x[rows, y][:, None] + 1.0).sum(axis=1) - 1.0).sum() / n"
    flagged = failing(grade(mutant("svm", SVM_LOSS, unclipped), assignment="svm", seed=1), "svm_loss")
    assert flagged and "svm_hinge_applied_to_row_sum" not in {t.mistake for t in flagged}


def test_an_svm_dx_with_the_correct_class_term_only_is_named(mutant, failing):
    # Round 25: a naive loop subtracting 1 at dx[i, y[i]] for each positive margin, never adding the +1 at j.
    only = "    positive = (margins > 0).astype(x.dtype)\n    count = positive.sum(axis=1)\n" \
           "    positive[:] = 0.0\n    positive[rows, y] = -count"
    report = grade(mutant("svm", SVM_DX, only), assignment="svm", seed=1)
    named = [t for t in failing(report, "svm_loss") if t.mistake == "svm_dx_wrong_class_terms_missing"]
    assert named and named[0].check == "gradient" and "+1 at the wrong class j" in named[0].hint
    # Its kink check says where dx is wrong and claims no kink mistake.
    kink = [t for t in failing(report, "svm_loss") if t.check == "convention at kinks"]
    assert kink and kink[0].mistake is None and "not the cause" in kink[0].hint
    # The wrong classes' terms without the correct class's: the other mistake, not this one.
    other = grade(mutant("svm", SVM_DX, "    positive = (margins > 0).astype(x.dtype)"), assignment="svm", seed=1)
    flagged = failing(other, "svm_loss")
    assert flagged and "svm_dx_wrong_class_terms_missing" not in {t.mistake for t in flagged}


def test_an_svm_label_subtracted_where_the_correct_score_belongs_is_named(mutant, failing):
    # Round 25: the margins x + 1 - y[:, None], the label for the correct class's score.
    margins = "    margins = np.maximum(0.0, x - x[rows, y][:, None] + 1.0)\n"
    report = grade(mutant("svm", margins, "    margins = np.maximum(0.0, x - y[:, None] + 1.0)\n"),
                   assignment="svm", seed=1)
    flagged = failing(report, "svm_loss")
    assert flagged[0].check == "loss" and flagged[0].mistake == "svm_label_subtracted_as_correct_score"
    assert "x[np.arange(N), y][:, None]" in flagged[0].hint
    assert "svm_zero_margin_wrong" not in {t.mistake for t in flagged}
    # The correct scores taken as whole rows (x[y]): its own mistake, not this one.
    rows_by_label = grade(mutant("svm", margins, "    margins = np.maximum(0.0, x - x[y] + 1.0)\n"),
                          assignment="svm", seed=1)
    flagged = failing(rows_by_label, "svm_loss")
    assert flagged and "svm_label_subtracted_as_correct_score" not in {t.mistake for t in flagged}


def test_an_svm_dx_wrong_away_from_the_kinks_is_not_told_a_kink_mistake(mutant, failing):
    # Round 25: margins without the delta (x[j] - x[y], max(0, .)): dx is wrong at margins that are not 0 as
    # well; the kink check must not say the margins of exactly 0 changed it.
    margins = "    margins = np.maximum(0.0, x - x[rows, y][:, None] + 1.0)\n"
    report = grade(mutant("svm", margins, "    margins = np.maximum(0.0, x - x[rows, y][:, None])\n"),
                   assignment="svm", seed=1)
    flagged = failing(report, "svm_loss")
    assert flagged[0].mistake == "loss_term_off" and "the term 1.0 is left out" in flagged[0].hint
    assert "each path from the loss" not in flagged[0].hint        # a loss has no path back to itself
    kink = [t for t in flagged if t.check == "convention at kinks"]
    assert kink and kink[0].mistake is None and "must not change that" not in kink[0].hint
    # A count one too negative at the correct class in a row with no margin of exactly 0 is no kink mistake.
    count = "    positive[rows, y] = -positive.sum(axis=1)"
    off = grade(mutant("svm", count, "    positive[rows, y] = -positive.sum(axis=1) - 1.0"), assignment="svm", seed=1)
    kink = [t for t in failing(off, "svm_loss") if t.check == "convention at kinks"]
    assert not kink or kink[0].mistake != "svm_zero_margin_wrong"


def test_an_svm_kink_mistake_is_still_named_at_the_kinks(mutant, failing):
    # The indicator keeps margins of exactly 0 (>= 0) while the count takes > 0 only: right away from the kinks.
    both = "    positive = (margins > 0).astype(x.dtype)\n    positive[rows, y] = -positive.sum(axis=1)"
    mixed = "    positive = (x - x[rows, y][:, None] + 1.0 >= 0).astype(x.dtype)\n" \
            "    positive[rows, y] = -(margins > 0).sum(axis=1)"
    report = grade(mutant("svm", both, mixed), assignment="svm", seed=1)
    kink = [t for t in failing(report, "svm_loss") if t.check == "convention at kinks"]
    assert kink and kink[0].mistake == "svm_zero_margin_in_indicator_not_in_count"


def test_an_svm_dx_with_minus_the_number_of_wrong_classes_at_the_correct_class_is_named(mutant, failing):
    # Round 26: dx[i, y[i]] = -num_classes + 1 whatever the margins (a naive loop's constant), the wrong
    # classes' entries right.
    count = "    positive[rows, y] = -positive.sum(axis=1)"
    report = grade(mutant("svm", count, "    positive[rows, y] = -(x.shape[1] - 1)"), assignment="svm", seed=1)
    flagged = failing(report, "svm_loss")
    named = [t for t in flagged if t.mistake == "svm_dx_correct_class_minus_num_wrong_classes"]
    assert named and named[0].check == "gradient" and "-(C - 1)" in named[0].hint
    assert "svm_dx_correct_class_minus_num_wrong_classes" in MISTAKES
    # No check tells it something else: the kink check says where dx is wrong, with no id.
    assert all(t.mistake in (None, "svm_dx_correct_class_minus_num_wrong_classes") for t in flagged)
    assert not any("positive x" in (t.hint or "") for t in flagged)
    # -1 at the correct class (its own mistake), and a count one too negative: not this one.
    for wrong in ("    positive[rows, y] = -1.0", "    positive[rows, y] = -positive.sum(axis=1) - 1.0"):
        flagged = failing(grade(mutant("svm", count, wrong), assignment="svm", seed=1), "svm_loss")
        assert flagged and "svm_dx_correct_class_minus_num_wrong_classes" not in {t.mistake for t in flagged}
