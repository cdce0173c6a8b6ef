"""A hint that proposes a mechanical fix is proven on the student's own answer before it is shown;
one that would not work is replaced by what is certainly true (issue 20's measured cases)."""
from __future__ import annotations

import numpy as np

from grader.checks import code_fixes
from grader.diagnosis import values
from grader.engine import grade


def gradient_findings(report, function):
    return [t for t in report.tests if t.function == function and t.status in ("failed", "error")]


def test_reshape_is_proposed_only_where_it_gives_the_right_values(mutant):
    # dw = x.T @ dout with x of shape (N, d1, d2): as many entries as w, but reshaping them is wrong.
    report = grade(mutant("layers", "dw = x_flat.T @ dout", "dw = x.T @ dout"), assignment="layers", public_only=True)
    [flag] = gradient_findings(report, "affine_backward")
    # Recomputing x.T @ dout with x left unflattened proves the cause, and so names it.
    assert flag.mistake == "dw_not_flattened" and "reshape it" not in flag.hint
    assert "would not give the right values" in flag.hint and "x.reshape(x.shape[0], -1)" in flag.hint
    # The same shape from another product: only what is certain (the shape, and that x has more axes).
    other = grade(mutant("layers", "dw = x_flat.T @ dout", "dw = x.T @ dout if x.ndim == 2 else np.cos(x).T @ dout",
                         name="other.py"), assignment="layers", public_only=True)
    [flag] = gradient_findings(other, "affine_backward")
    assert flag.mistake == "dw_wrong_shape" and "would not give the right values" in flag.hint
    assert "has more than two axes" in flag.hint and "was computed from" not in flag.hint


def test_a_reshape_that_works_is_still_proposed(mutant):
    report = grade(mutant("layers", "dx = (dout @ w.T).reshape(x.shape)", "dx = dout @ w.T"),
                   assignment="layers", public_only=True)
    [flag] = gradient_findings(report, "affine_backward")
    assert flag.mistake == "dx_not_reshaped" and "reshape it to x.shape" in flag.hint


def test_the_hard_coded_size_hint_needs_a_size_written_as_a_number(mutant):
    literal = grade(mutant("layers", "    x_flat = x.reshape(x.shape[0], w.shape[0])\n    out",
                           "    x_flat = x.reshape(x.shape[0], 5)\n    out"), assignment="layers", public_only=True)
    assert {t.mistake for t in gradient_findings(literal, "affine_forward")} >= {"hardcoded_shape"}
    # No number in the reshape: the shape comes from the wrong array (w's columns for its rows).
    computed = grade(mutant("layers", "    x_flat = x.reshape(x.shape[0], w.shape[0])\n    out",
                            "    x_flat = x.reshape(x.shape[0], w.shape[1])\n    out"), assignment="layers",
                     public_only=True)
    flags = gradient_findings(computed, "affine_forward")
    assert flags and "hardcoded_shape" not in {t.mistake for t in flags}
    assert any("print both shapes" in (t.hint or "") for t in flags)


def test_a_number_that_met_the_inputs_size_in_a_broadcast_is_named_from_the_students_line(mutant):
    # A real student's svm: the class count written as 10, broadcast against the scores' 4 columns.
    tiled = grade(mutant("svm", "    margins = np.maximum(0.0, x - x[rows, y][:, None] + 1.0)\n",
                         "    margins = np.maximum(0.0, x - x[rows, y][:, None] + 1.0) + 0 * np.ones((1, 10))\n"),
                  assignment="svm", public_only=True)
    [flag] = gradient_findings(tiled, "svm_loss")[:1]
    assert flag.mistake == "hardcoded_shape" and "The 10 on this line" in flag.hint and "x.shape[1]" in flag.hint
    # The same broadcast error with no number on the line: no size is said to be written as one.
    computed = grade(mutant("svm", "    margins = np.maximum(0.0, x - x[rows, y][:, None] + 1.0)\n",
                            "    margins = np.maximum(0.0, x - x[rows, y][:, None] + 1.0) + 0 * np.ones((1, x.shape[1] + 7))\n"),
                     assignment="svm", public_only=True)
    [flag] = gradient_findings(computed, "svm_loss")[:1]
    assert flag.status == "error" and flag.mistake != "hardcoded_shape" and "written as a number" not in flag.hint


def test_size_one_axes_are_not_sizes_written_for_one_input():
    # reshape(n, G, 1, 1, 1) adds broadcast axes, which fit every input: the array reshaped is the
    # wrong one (a squeeze dropped an axis before it), not the sizes written as numbers.
    from grader.checks.common import _literal_size_in_reshape
    trace = '  File "layers2.py", line 27, in f\n    + dsigma.reshape(n, G, 1, 1, 1) * (x - mean)\n'
    assert not _literal_size_in_reshape(trace)
    assert not _literal_size_in_reshape(trace.replace("1, 1, 1)", "-1)"))
    assert _literal_size_in_reshape(trace.replace("1, 1, 1)", "1, 1, 4)"))


def test_a_relu_backward_that_divides_by_x_is_told_about_the_division_not_the_range(mutant):
    report = grade(mutant("layers", "dx = (x > 0) * dout", "dx = (x + abs(x)) / (2 * x) * dout"),
                   assignment="layers", public_only=True)
    [kink] = [t for t in report.tests if t.function == "relu_backward" and t.check == "convention at kinks"]
    assert kink.mistake == "relu_kink_not_finite" and "outside [0, dout]" not in kink.output


def test_a_finite_wrong_loss_is_not_told_it_is_inf(mutant):
    # Clipping the probabilities keeps the loss finite where scores lie far apart, and wrong there.
    report = grade(mutant("layers", "    loss = -log_probs[rows, y].mean()",
                          "    loss = -np.log(np.clip(np.exp(log_probs), 1e-12, 1.0))[rows, y].mean()"),
                   assignment="layers", public_only=True)
    [stability] = [t for t in report.tests if t.function == "softmax_loss" and t.check == "stability"]
    assert stability.status == "failed" and "is inf" not in (stability.hint or "")
    assert stability.mistake != "softmax_log_underflow"


def test_a_nearly_right_result_is_told_it_is_nearly_right(mutant):
    # An epsilon inside the log: the loss is off by about 1e-4 of itself, on every case.
    report = grade(mutant("layers", "    loss = -log_probs[rows, y].mean()",
                          "    loss = -np.log(np.exp(log_probs) + 1e-4)[rows, y].mean()"),
                   assignment="layers", public_only=True)
    [loss] = [t for t in report.tests if t.function == "softmax_loss" and t.check == "loss"]
    assert loss.mistake == "loss_slightly_off" and "close to right" in loss.hint
    assert loss.measures["relative_error"] < 1e-3


def _sigmoid_with_a_slip_below_zero(mutant, below: str):
    """A sigmoid backward whose x < 0 branch computes `below`, which no declared mistake describes."""
    return mutant("layers", "dx = s * (1.0 - s) * dout", f"dx = np.where(x_sign >= 0, s * (1.0 - s), {below}) * dout",
                  "    cache = out  # the derivative", "    cache = (out, x)  # the derivative",
                  "    s = cache\n", "    s, x_sign = cache\n")


def test_a_wrong_result_that_nothing_explains_is_told_where_it_is_wrong(mutant, monkeypatch):
    # Two slips in the branch, and no fix of the student's code tried (one that makes the branch's
    # condition always true, x_sign changed to s, would be one): what is left says where it is wrong.
    monkeypatch.setattr(code_fixes, "explain", lambda *args, **kwargs: None)
    report = grade(_sigmoid_with_a_slip_below_zero(mutant, "0.5 * s * (1.0 - s) + 0.1"), assignment="layers",
                   public_only=True)
    [flag, *_] = gradient_findings(report, "sigmoid_backward")
    assert flag.mistake is None and "right where x > 0 and wrong where x < 0" in flag.hint


def test_a_slip_one_change_of_their_code_fixes_is_told_as_that_fix(mutant):
    report = grade(_sigmoid_with_a_slip_below_zero(mutant, "0.5 * s * (1.0 - s)"), assignment="layers")
    [flag, *_] = gradient_findings(report, "sigmoid_backward")
    assert flag.mistake == "dx_factor_off" and "Your code gives the right dx" in flag.hint and "0.5" in flag.hint


def test_a_few_wrong_entries_on_one_side_of_a_sign_are_not_told_as_that_sign():
    # Round 26: an svm dx wrong at a few correct classes only, whose scores happened to be positive: right
    # where x < 0, but no branch for positive x is wrong (most of the positive side is right too).
    x = np.array([[1.0, -1.0, 2.0, -2.0], [0.5, -0.5, 1.5, -1.5], [0.3, -0.3, 0.7, -0.7]])
    expected = np.arange(12.0).reshape(3, 4) + 1.0
    few = expected.copy()
    few[0, 0] += 1.0
    assert values.localise("dx", few, expected, {"x": x}) is None
    most = expected.copy()
    most[x > 0] += 1.0
    assert "right where x < 0 and wrong where x > 0" in values.localise("dx", most, expected, {"x": x})
