"""Diagnosis: the hint for a wrong shape or wrong values names the likely mistake."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from grader.diagnosis.mistake_ids import catalogue as mistake_catalogue
from grader.diagnosis.shapes import gradient_shape_diagnosis, gradient_shape_hint, output_shape_diagnosis
from grader.diagnosis.values import Candidate, explain_mismatch
from grader.exercises import catalogue
from grader.results import MEASURE_KEYS

MISTAKES = mistake_catalogue(catalogue(Path(__file__).resolve().parents[2]).exercises())

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


@pytest.mark.parametrize("grad_shape, input_shape, out_shape, kind, words", [
    ((1, 3), (3,), (4, 3), "keepdims", "keepdims"),
    ((3,), (1, 3), None, "squeezed", "squeeze"),
    ((), (1,), None, "squeezed", "squeeze"),
    ((4,), (3,), (4, 3), "wrong_axis", "wrong axis"),
    ((4, 3), (3,), (4, 3), "not_summed", "sum dout over axis 0"),
    ((3, 5), (5, 3), None, "shape_transposed", "transposed"),
    ((2, 20), (2, 4, 5), None, "not_reshaped", "reshape"),
    # the sizes in another order: a reshape back would leave the values on the wrong axes
    ((2, 4, 3, 5), (2, 3, 4, 5), None, "axes_permuted", "axes are permuted"),
])
def test_gradient_shape_diagnosis_names_the_kind(grad_shape, input_shape, out_shape, kind, words):
    hint, found = gradient_shape_diagnosis("db", grad_shape, "b", input_shape, out_shape)
    assert found == kind and words in hint
    assert f"db_{kind}" in MISTAKES


def test_an_output_with_its_axes_permuted_is_not_told_to_reshape():
    # a real student's spatial batchnorm put its output back as (N, H, C, W)
    hint, kind = output_shape_diagnosis((2, 4, 3, 5), (2, 3, 4, 5))
    assert kind == "axes_permuted" and "reshape it" not in hint and "np.argsort(p)" in hint
    # a matrix's reversed shape stays a transpose
    assert output_shape_diagnosis((3, 2), (2, 3))[1] == "shape_transposed"


def test_an_output_that_lost_a_size_one_axis_is_told_squeeze():
    hint, kind = output_shape_diagnosis((5,), (1, 5))
    assert kind == "squeezed" and "squeeze" in hint


EXERCISES = {exercise.name: exercise for exercise in catalogue(Path(__file__).resolve().parents[2]).exercises()}


def test_sum_gradient_hint_puts_back_the_summed_axes():
    hint = gradient_shape_hint("dx", (3,), "x", (3, 4), None, EXERCISES["sum"].gradient_shape)
    assert "expand_dims" in hint and "(3, 4)" in hint


@pytest.mark.parametrize("out_shape, expected, exercise, words, mistake", [
    ((3, 1), (3,), "sum", "keepdims", None),
    ((2, 4, 3), (2, 3), "affine", "reshape", "affine_not_flattened"),
    ((3, 4), (4, 3), "relu", "transposed", None),
    ((2, 3), (3, 2), "add", "transposed", None),
    ((6,), (2, 3), "add", "broadcast", None),
])
def test_output_shape_hint(out_shape, expected, exercise, words, mistake):
    """The generic reading of a wrong output shape, and an exercise's own (its declaration's)."""
    hint, kind = output_shape_diagnosis(out_shape, expected)
    found = None
    if EXERCISES[exercise].output_shape is not None:
        hint, kind, found = EXERCISES[exercise].output_shape(out_shape, expected, hint, kind, None)
    assert words in hint and found == mistake


@pytest.fixture
def expected():
    return np.random.default_rng(0).normal(size=(4, 4))


@pytest.mark.parametrize("transform, words, mistake", [
    (lambda e: -e, "sign", "dx_sign"),
    (lambda e: e * 4, "divide by n", "dx_not_averaged"),
    (lambda e: e / 4, "divided by n once too often", "dx_averaged_twice"),
    (lambda e: e.T, "transposed", "dx_transposed"),
    (lambda e: e * 2.5, "2.5 times", "dx_scaled"),
    (lambda e: np.zeros_like(e), "all zeros", "dx_zero"),
    (lambda e: np.where(e > 0, np.nan, e), "nan", "dx_not_finite"),
])
def test_value_mismatch_names_the_mistake(expected, transform, words, mistake):
    finding = explain_mismatch("dx", transform(expected), expected, batch_size=4)
    assert words in (finding.output + " " + (finding.hint or "")).lower()
    assert finding.mistake == mistake
    assert finding.mistake in MISTAKES


def test_value_mismatch_measures_scale_and_cosine(expected):
    measures = explain_mismatch("dx", -2 * expected, expected, batch_size=4).measures
    assert measures["relative_error"] == pytest.approx(3.0)
    assert measures["scale"] == pytest.approx(-2.0)
    assert measures["cosine"] == pytest.approx(-1.0)
    assert set(measures) <= set(MEASURE_KEYS)
    assert "scale" not in explain_mismatch("dx", expected * np.nan, expected).measures


def test_a_matching_candidate_wins_over_generic_guesses(expected):
    wrong = expected + 1.0
    finding = explain_mismatch("dx", wrong, expected,
                               candidates=[Candidate(expected + 1.0, "forgot the bias", "affine_missing_bias")])
    assert (finding.hint, finding.mistake) == ("forgot the bias", "affine_missing_bias")


def test_an_unrecognised_mistake_has_no_invented_hint(expected):
    noise = np.random.default_rng(1).normal(size=expected.shape)
    finding = explain_mismatch("dx", expected + noise, expected)
    assert "relative error" in finding.output and finding.hint is None and finding.mistake is None
    assert finding.measures["relative_error"] > 0


def test_hints_never_contain_input_values(expected):
    finding = explain_mismatch("dx", -expected, expected, batch_size=4)
    for value in expected.ravel()[:5]:
        assert f"{value:.3f}" not in finding.output + (finding.hint or "")
