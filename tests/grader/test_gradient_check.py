"""The gradient check: one bug, one penalty, and no credit a submission did not earn."""
from __future__ import annotations

from pathlib import Path

import pytest

from grader.engine import grade
from tests.grader.counting import CountingRunner


def statuses(report, function):
    return {t.check + "/" + t.visibility: t.status for t in report.tests if t.function == function}


def test_a_backward_right_for_a_wrong_forward_is_not_penalised(mutant, failing):
    # The forward scales b by 1.01 (an attempt at the right one); db = 1.01 * sum(dout) is exactly
    # right for it. (A forward far from right earns its backward nothing: test_wrong_gradients.)
    path = mutant("layers", "    out = x_flat @ w + b\n", "    out = x_flat @ w + 1.01 * b\n",
                  "db = dout.sum(axis=0)", "db = 1.01 * dout.sum(axis=0)")
    report = grade(path, assignment="layers")
    assert failing(report, "affine_forward")
    backward = [t for t in report.tests if t.function == "affine_backward"]
    assert backward and all(t.status == "passed" for t in backward), [t.output for t in failing(report, "affine_backward")]
    assert "right for your affine_forward" in backward[0].output


def test_a_forward_that_answers_probes_differently_gains_nothing(write):
    # Correct at the inputs it has seen first, constant afterwards; the backward returns zeros.
    source = '''
import numpy as np
_seen = {}
def relu_forward(x):
    key = x.shape
    if key not in _seen:
        _seen[key] = np.maximum(x, 0)
    return _seen[key].copy(), x
def relu_backward(dout, cache):
    return np.zeros_like(dout)
'''
    report = grade(write(source))
    gradient = [t for t in report.tests if t.function == "relu_backward" and t.check == "gradient"]
    assert gradient and all(t.score == 0 for t in gradient)


def test_a_constant_forward_does_not_make_a_zero_gradient_right(write):
    source = '''
import numpy as np
def exp_forward(x):
    return np.zeros_like(x), x
def exp_backward(dout, cache):
    return np.zeros_like(dout)
'''
    report = grade(write(source))
    assert report.score == 0
    assert all(t.status != "passed" for t in report.tests if t.function == "exp_backward"
               and t.check in ("gradient", "gradient edge cases"))
    # zeros are right for that forward: dx is said to be all zeros, not that it was never computed
    [first, *_] = [t for t in report.tests if t.function == "exp_backward" and t.status == "failed"]
    assert "dx is all zeros" in first.output and first.hint.startswith("Fix exp_forward first")


def test_a_zero_gradient_of_a_right_forward_is_told_to_compute_it(write):
    source = '''
import numpy as np
def exp_forward(x):
    out = np.exp(x)
    return out, out
def exp_backward(dout, cache):
    return np.zeros_like(dout)
'''
    report = grade(write(source))
    [first, *_] = [t for t in report.tests if t.function == "exp_backward" and t.status == "failed"]
    assert first.mistake == "dx_zero" and "Compute the gradient and return it" in first.hint

def test_wrong_gradient_with_right_forward_is_judged_against_the_reference(mutant, failing):
    report = grade(mutant("layers", "dx = s * (1.0 - s) * dout", "dx = s * dout"), assignment="layers")
    [first, *_] = failing(report, "sigmoid_backward")
    assert "s * (1 - s)" in first.hint
    assert not failing(report, "sigmoid_forward")


def test_a_bug_only_at_square_shapes_is_caught(mutant, failing):
    # dw computed as (dout.T @ x_flat).T is right; (x_flat.T @ dout) is right; a transposed
    # matmul that only has the right shape when D == M is caught by the square edge case.
    path = mutant("layers", "dw = x_flat.T @ dout", "dw = (x_flat.T @ dout) if w.shape[0] != w.shape[1] else (x_flat.T @ dout).T")
    report = grade(path, assignment="layers")
    flagged = failing(report, "affine_backward")
    assert flagged and all(t.check == "gradient edge cases" for t in flagged)
    assert any("transposed" in (t.hint or "") for t in flagged)


@pytest.mark.parametrize("mask", ["(x >= 0)", "np.where(x == 0, 0.5, x > 0)"])
def test_any_relu_subgradient_in_0_1_at_zero_is_accepted(mutant, failing, mask):
    report = grade(mutant("layers", "dx = (x > 0) * dout", f"dx = {mask} * dout"), assignment="layers", public_only=True)
    assert not failing(report)


@pytest.mark.parametrize("mask", ["((x > 0) + 2.0 * (x == 0))", "((x > 0) - 1.0 * (x == 0))"])
def test_relu_gradient_outside_0_1_at_zero_fails_the_convention(mutant, failing, mask):
    report = grade(mutant("layers", "dx = (x > 0) * dout", f"dx = {mask} * dout"), assignment="layers", public_only=True)
    [flag] = failing(report)
    assert flag.check == "convention at kinks" and flag.mistake == "relu_kink_out_of_range"
    assert "between 0 and dout" in flag.hint


def test_max_double_counting_at_ties(mutant, failing):
    report = grade(mutant("gates", "db = unbroadcast(~a_won * dout, b.shape)",
                          "db = unbroadcast((b >= a) * dout, b.shape)"), assignment="gates")
    [flag] = failing(report)
    assert flag.function == "max_backward" and "twice" in flag.hint


def test_max_split_ties_is_accepted(mutant, failing):
    path = mutant("gates", "    da = unbroadcast(a_won * dout, a.shape)\n    db = unbroadcast(~a_won * dout, b.shape)",
                  "    share = np.where(a == b, 0.5, (a > b) * 1.0)\n"
                  "    da = unbroadcast(share * dout, a.shape)\n    db = unbroadcast((1 - share) * dout, b.shape)")
    report = grade(path, assignment="gates")
    assert report.score == report.max_score, [t.name for t in failing(report)]


def affine_gradient_check(path):
    """The gradient check of affine_backward on one case of the issue's (64, 100, 50) shape."""
    from grader.cases import build_case
    from grader.checks.common import Context
    from grader.checks.gradients import check_case
    from grader.course import find_course
    from grader.exercises import catalogue
    ASSIGNMENTS = catalogue(Path(__file__).resolve().parents[2]).assignments
    from grader.oracle import oracle_for
    oracle = oracle_for(["layers"], find_course())
    [affine] = [exercise for exercise in ASSIGNMENTS["layers"] if exercise.name == "affine"]
    case = build_case(affine, {"N": 64, "dims": [100], "M": 50}, 7, "test", oracle)
    runner = CountingRunner(path)
    return check_case(Context(runner, oracle, affine), case), runner.calls


def test_a_right_forward_is_never_probed(mutant):
    """Probing the forward at x +- h*u only matters when the forward is wrong: correct code, and a
    wrong backward under a right forward, cost one forward and one backward call per case."""
    finding, calls = affine_gradient_check(mutant("layers"))
    assert finding.passed and dict(calls) == {"affine_forward": 1, "affine_backward": 1}
    finding, calls = affine_gradient_check(mutant("layers", "db = dout.sum(axis=0)", "db = dout.mean(axis=0)"))
    assert not finding.passed and dict(calls) == {"affine_forward": 1, "affine_backward": 1}


def test_a_wrong_forward_is_probed_along_two_directions_per_input(mutant):
    finding, calls = affine_gradient_check(mutant("layers", "    out = x_flat @ w + b\n", "    out = x_flat @ w + 1.01 * b\n",
                                                  "db = dout.sum(axis=0)", "db = 1.01 * dout.sum(axis=0)"))
    assert finding.passed and "right for your affine_forward" in finding.output
    assert dict(calls) == {"affine_forward": 1 + 3 * 2 * 2, "affine_backward": 1}


POOL_FIRST_MAX = "dx[:, :, rows, cols] += first * dout[:, :, i:i + 1, j:j + 1]"
TIED = "is_max.sum(axis=(2, 3), keepdims=True)"


@pytest.mark.parametrize("share", [
    "is_max",                    # window == window.max(): each tied maximum gets the dout (most CS231n files)
    f"is_max / {TIED}",          # an even split (CS231n's own fast max_pool_backward_reshape)
], ids=["each maximum", "even split"])
def test_any_valid_share_at_a_max_pool_tie_is_accepted(mutant, failing, share):
    path = mutant("layers2", POOL_FIRST_MAX, f"dx[:, :, rows, cols] += {share} * dout[:, :, i:i + 1, j:j + 1]")
    report = grade(path, assignment="layers2", public_only=True)
    assert not failing(report), [(t.function, t.check, t.output) for t in failing(report)]
    assert any(t.check == "convention at kinks" and t.function == "max_pool_backward_naive" for t in report.tests)


@pytest.mark.parametrize("share", [
    f"is_max * ({TIED} == 1)",   # a tied window's dout lost: only a unique maximum gets it
    f"is_max * (1 + ({TIED} > 1))",   # twice the dout to each tied maximum
], ids=["lost", "doubled"])
def test_a_max_pool_tie_that_loses_or_inflates_the_dout_fails_the_convention(mutant, failing, share):
    path = mutant("layers2", POOL_FIRST_MAX, f"dx[:, :, rows, cols] += {share} * dout[:, :, i:i + 1, j:j + 1]")
    report = grade(path, assignment="layers2", public_only=True)
    [flag] = failing(report)
    assert (flag.function, flag.check, flag.mistake) == ("max_pool_backward_naive", "convention at kinks",
                                                         "pool_tie_lost")
    assert "tied" in flag.hint
