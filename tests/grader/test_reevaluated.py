"""Generic wrong gradients computed from the case (grader.diagnosis.reevaluated): each is named when
a student's gradient equals it, and only then; in a grade, only where no declaration named the
mistake."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest

from grader.cases import public_cases
from grader.course import find_course
from grader.diagnosis.reevaluated import first_match, reevaluated_candidates
from grader.engine import grade
from grader.exercises import catalogue
from grader.oracle import oracle_for

ROOT = Path(__file__).resolve().parents[2]
COURSE = find_course(ROOT)
EXERCISES = {e.name: e for e in catalogue(ROOT).exercises()}


def case_and_oracle(name: str, **arrays: np.ndarray):
    exercise = EXERCISES[name]
    oracle = oracle_for([exercise.assignment], COURSE)
    case = public_cases(exercise, oracle, COURSE.exercises_dir).main[0]
    if arrays:
        case = dataclasses.replace(case, arrays={**case.arrays, **arrays})
        case = dataclasses.replace(case, dout=np.random.default_rng(1).standard_normal(np.shape(oracle.forward(case))))
    return case, oracle


def named(name: str, index: int, student, **arrays) -> str | None:
    case, oracle = case_and_oracle(name, **arrays)
    expected = oracle.backward(case)[index]
    grad_name = case.exercise.gradient_names()[index]
    with np.errstate(all="ignore"):
        match = first_match(np.asarray(student(case), dtype=np.float64),
                            reevaluated_candidates(case, oracle, index, grad_name, expected))
    return match.mistake if match else None


RNG = np.random.default_rng(0)
A, B = RNG.uniform(0.5, 2.0, (3, 4)), RNG.standard_normal((3, 4))


def _tanh_da(case):
    x, prev_h, wx, wh, b = (case.arrays[k] for k in ("x", "prev_h", "Wx", "Wh", "b"))
    return case.douts[0] * (1 - np.tanh(x @ wx + prev_h @ wh + b) ** 2)


def _batchnorm_dx(case, gamma):
    x, dout = case.arrays["x"], case.dout
    n, std = x.shape[0], np.sqrt(x.var(axis=0) + 1e-5)
    x_hat = (x - x.mean(axis=0)) / std
    return gamma / (n * std) * (n * dout - dout.sum(axis=0) - x_hat * (dout * x_hat).sum(axis=0))


@pytest.mark.parametrize("name, index, student, arrays, mistake", [
    ("exp", 0, lambda c: c.dout * np.exp(np.exp(c.arrays["x"])), {}, "dx_at_output"),
    ("pow", 1, lambda c: c.dout * np.log(c.arrays["a"]), {"a": A, "b": B}, "db_missing_output_factor"),
    ("pow", 0, lambda c: c.dout * c.arrays["a"] * c.arrays["b"] ** (c.arrays["a"] - 1), {"a": A, "b": B},
     "da_inputs_swapped"),
    ("relu", 0, lambda c: c.dout * (c.arrays["x"][0] > 0), {}, "dx_first_row_only"),
    ("relu", 0, lambda c: c.dout.copy(), {}, "missing_local_gradient"),
    ("rnn_step", 1, lambda c: _tanh_da(c) @ c.arrays["Wh"], {}, "dprev_h_untransposed_factor"),
    # batchnorm's dx from a cache unpacked (..., beta, gamma) where it was packed (..., gamma, beta)
    ("batchnorm", 0, lambda c: _batchnorm_dx(c, c.arrays["beta"]), {}, "dx_input_for_other"),
])
def test_a_generic_mistake_is_named(name, index, student, arrays, mistake):
    assert named(name, index, student, **arrays) == mistake


def test_the_right_answer_matches_no_candidate():
    # relu's local gradient at its output is the right one (out > 0 exactly where x > 0): dropped.
    case, oracle = case_and_oracle("relu")
    expected = oracle.backward(case)[0]
    candidates = reevaluated_candidates(case, oracle, 0, "dx", expected)
    assert "dx_at_output" not in {c.mistake for c in candidates}
    assert first_match(expected, candidates) is None


def test_an_unrelated_wrong_answer_is_not_named():
    assert named("exp", 0, lambda c: c.dout * np.exp(c.arrays["x"]) + 0.1) is None


def test_in_a_grade_only_where_no_declaration_names_it(mutant):
    # sigmoid's local gradient from the first example only: no declaration has it, the generic kind names it.
    report = grade(mutant("layers", "    s = cache\n", "    s = cache[0]\n"), assignment="layers", public_only=True)
    [flag] = [t for t in report.tests if t.function == "sigmoid_backward" and t.status == "failed"]
    assert flag.mistake == "dx_first_row_only" and "x[0]" in flag.hint
    # exp of the cached output is declared (exp_of_output): the declaration's words are kept.
    report = grade(mutant("gates", "dx = out * dout", "dx = np.exp(out) * dout"), assignment="gates",
                   public_only=True)
    [flag] = [t for t in report.tests if t.function == "exp_backward" and t.status == "failed"]
    assert flag.mistake == "exp_of_output"


def test_a_forward_without_one_input_term_is_named(mutant):
    # add's b left out (0 * b keeps the broadcast shape): no declaration has it, the generic kind names it.
    report = grade(mutant("gates", "    out = a + b\n", "    out = a + 0 * b\n"), assignment="gates", public_only=True)
    [flag] = [t for t in report.tests if t.function == "add_forward" and t.status == "failed"]
    assert flag.mistake == "out_missing_input_term" and "lacks the term b" in flag.hint


def test_a_cause_that_coincides_with_dout_passed_through_is_not_claimed():
    # With x[0] > 0 everywhere, the first row's mask lets everything through: dx == dout could be either
    # cause, so only the fact is said.
    x = np.abs(RNG.standard_normal((4, 5))) + 0.1
    x[1:] *= np.where(RNG.random((3, 5)) < 0.5, -1, 1)
    assert named("relu", 0, lambda c: c.dout.copy(), x=x) == "missing_local_gradient"


def test_a_loss_off_by_the_size_of_an_axis_names_that_size(mutant):
    # A single number shows no constant factor, but one equal to the class count is the proof: the
    # svm loss averaged over N * C entries (a real student's np.mean over the margins).
    report = grade(mutant("svm", "    loss = margins.sum() / n\n", "    loss = margins.mean()\n"), assignment="svm",
                   public_only=True)
    [flag] = [t for t in report.tests if t.function == "svm_loss" and t.status == "failed"][:1]
    assert flag.mistake == "loss_scaled", flag
    assert re.search(r"is (\d+) times too small, and \1 is the size of x's axis 1", flag.hint), flag.hint
    # a loss off by a factor that is no size gets no such claim
    report = grade(mutant("svm", "    loss = margins.sum() / n\n", "    loss = margins.sum() / n * 1.37\n"),
                   assignment="svm", public_only=True)
    [flag] = [t for t in report.tests if t.function == "svm_loss" and t.status == "failed"][:1]
    assert flag.mistake != "loss_scaled", flag
