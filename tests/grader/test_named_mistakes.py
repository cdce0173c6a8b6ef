"""Each named mistake, made once in an otherwise correct submission, gets its id and its hint."""
from __future__ import annotations

from pathlib import Path

import pytest

from grader.diagnosis.mistake_ids import catalogue as mistake_catalogue
from grader.engine import grade
from grader.exercises import catalogue
from grader.report.text import to_text

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
