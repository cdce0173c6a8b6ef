"""Diagnosis: the hint for a wrong shape or wrong values names the likely mistake."""
from __future__ import annotations

import numpy as np
import pytest

from grader.diagnosis.shapes import gradient_shape_hint, output_shape_hint
from grader.diagnosis.values import Candidate, explain_mismatch

SHAPE_HINTS = [
    # grad shape, input shape, output shape (None: not broadcast), expected words
    ((4, 3), (3,), (4, 3), "sum dout over axis 0"),
    ((4,), (3,), (4, 3), "sum dout over axis 0"),
    ((3, 4), (3, 1), (3, 4), "sum over axis 1 with keepdims=True"),
    ((2, 3, 5, 7, 8), (1, 3, 1, 7, 1), (2, 3, 5, 7, 8), "axes (0, 2, 4) with keepdims=True"),
    ((2, 5), (5,), (2, 5), "sum dout over axis 0"),
    ((2, 3), (), (2, 3), "axes (0, 1)"),
    ((4, 2, 3), (2, 1), (4, 2, 3), "sum dout over axis 0, then sum over axis 1 with keepdims=True"),
    ((2, 20), (2, 4, 5), None, "reshape it to x.shape (2, 4, 5)"),
    ((3, 5), (5, 3), None, "transposed"),
    ((7,), (5, 3), None, "exactly"),
]


@pytest.mark.parametrize("grad_shape, input_shape, out_shape, words", SHAPE_HINTS)
def test_gradient_shape_hint_names_the_fix(grad_shape, input_shape, out_shape, words):
    name = "x" if len(input_shape) == 3 else "b"
    hint = gradient_shape_hint("d" + name, grad_shape, name, input_shape, out_shape)
    assert words in hint


def test_sum_gradient_hint_puts_back_the_summed_axes():
    hint = gradient_shape_hint("dx", (3,), "x", (3, 4), None, "sum")
    assert "expand_dims" in hint and "(3, 4)" in hint


@pytest.mark.parametrize("out_shape, expected, exercise, words", [
    ((3, 1), (3,), "sum", "keepdims"),
    ((2, 4, 3), (2, 3), "affine", "reshape"),
    ((3, 4), (4, 3), "relu", "transposed"),
])
def test_output_shape_hint(out_shape, expected, exercise, words):
    assert words in output_shape_hint(out_shape, expected, exercise)


@pytest.fixture
def expected():
    return np.random.default_rng(0).normal(size=(4, 4))


@pytest.mark.parametrize("transform, words", [
    (lambda e: -e, "sign"),
    (lambda e: e * 4, "divide by n"),
    (lambda e: e / 4, "divided by n once too often"),
    (lambda e: e.T, "transposed"),
    (lambda e: e * 2.5, "2.5 times"),
    (lambda e: np.zeros_like(e), "all zeros"),
    (lambda e: np.where(e > 0, np.nan, e), "nan"),
])
def test_value_mismatch_names_the_mistake(expected, transform, words):
    output, hint = explain_mismatch("dx", transform(expected), expected, batch_size=4)
    assert words in (output + " " + (hint or "")).lower()


def test_a_matching_candidate_wins_over_generic_guesses(expected):
    wrong = expected + 1.0
    _, hint = explain_mismatch("dx", wrong, expected, candidates=[Candidate(expected + 1.0, "forgot the bias")])
    assert hint == "forgot the bias"


def test_an_unrecognised_mistake_has_no_invented_hint(expected):
    noise = np.random.default_rng(1).normal(size=expected.shape)
    output, hint = explain_mismatch("dx", expected + noise, expected)
    assert "relative error" in output and hint is None


def test_hints_never_contain_input_values(expected):
    output, hint = explain_mismatch("dx", -expected, expected, batch_size=4)
    for value in expected.ravel()[:5]:
        assert f"{value:.3f}" not in output + (hint or "")
