"""An elementwise gradient by central differences (Hidden.exact): two forward evaluations of a copy of
the forward, every element perturbed at once, which neither the call count nor a work bound sees. It
is right to about 1e-11; a formula is right to rounding, and only the formula earns the points."""
from __future__ import annotations

from grader.engine import grade


def _checks(report, function):
    return {t.check: t for t in report.tests if t.function == function}


SIGMOID_BY_DIFFERENCES = (
    "    cache = out  # the derivative is written in terms of s itself", "    cache = x",
    "    s = cache\n    # Local gradient: ds/dx = s * (1 - s).\n    dx = s * (1.0 - s) * dout",
    "    x = cache\n    h = 1e-5\n"
    "    f = lambda v: np.where(v >= 0, 1 / (1 + np.exp(-np.abs(v))), np.exp(-np.abs(v)) / (1 + np.exp(-np.abs(v))))\n"
    "    dx = (f(x + h) - f(x - h)) / (2 * h) * dout",
)


def test_a_sigmoid_backward_by_central_differences_of_a_copy_earns_nothing(mutant):
    report = grade(mutant("layers", *SIGMOID_BY_DIFFERENCES), assignment="layers", seed=1)
    backward = [t for t in report.tests if t.function == "sigmoid_backward"]
    gradient = [t for t in backward if t.check == "gradient"]
    assert len(gradient) == 2      # public and hidden
    for check in gradient:
        assert check.status == "failed" and check.mistake == "backward_inexact"
        assert "finite differences" in check.output and "as a formula" in check.hint
        assert 1e-12 < check.measures["relative_error"] < 1e-6
    assert sum(t.score for t in backward) == 0
    # the forward is right, and keeps its points
    assert all(t.status == "passed" for t in report.tests if t.function == "sigmoid_forward")


def test_relu_and_pow_by_central_differences_fail_too(mutant):
    relu = mutant("layers", "    dx = (x > 0) * dout",
                  "    h = 1e-6\n    dx = (np.maximum(0, x + h) - np.maximum(0, x - h)) / (2 * h) * dout",
                  name="layers.py")
    assert _checks(grade(relu, assignment="layers", public_only=True), "relu_backward")["gradient"].mistake \
        == "backward_inexact"
    power = mutant("gates", "    da = unbroadcast(b * a ** (b - 1) * dout, a.shape)",
                   "    h = 1e-6\n    da = unbroadcast(((a + h) ** b - (a - h) ** b) / (2 * h) * dout, a.shape)",
                   name="gates.py")
    found = _checks(grade(power, assignment="gates", public_only=True), "pow_backward")["gradient"]
    assert found.mistake == "backward_inexact" and found.output.startswith("da matches")


def test_formulas_in_other_forms_than_the_references_pass(mutant):
    # The derivative from x instead of from s, and pow's da from out: exact to rounding, as a formula is.
    sigmoid = mutant("layers", "    cache = out  # the derivative is written in terms of s itself", "    cache = x",
                     "    s = cache\n    # Local gradient: ds/dx = s * (1 - s).\n    dx = s * (1.0 - s) * dout",
                     "    z = np.exp(-np.abs(cache))\n    dx = z / (1.0 + z) ** 2 * dout", name="layers.py")
    assert _checks(grade(sigmoid, assignment="layers", public_only=True), "sigmoid_backward")["gradient"].status \
        == "passed"
    power = mutant("gates", "    da = unbroadcast(b * a ** (b - 1) * dout, a.shape)",
                   "    da = unbroadcast(b * out / a * dout, a.shape)", name="gates.py")
    assert _checks(grade(power, assignment="gates", public_only=True), "pow_backward")["gradient"].status == "passed"


def test_a_float32_forward_is_the_dtype_checks_not_an_inexact_backward(mutant):
    # exp's backward multiplies the forward's float32 output by dout: float32's accuracy, not finite
    # differences' (tests/corpus gates_exp_forward_float32.py).
    path = mutant("gates", "    out = np.exp(x)\n", "    out = np.exp(x).astype(np.float32)\n", name="gates.py")
    report = grade(path, assignment="gates", public_only=True)
    assert _checks(report, "exp_backward")["gradient"].status == "passed"
    assert _checks(report, "exp_forward")["dtype"].mistake == "float32"
