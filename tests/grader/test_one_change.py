"""One-change diagnoses (grader.diagnosis.one_change): a wrong result that is the reference with one
small change gets a hint naming that change, proven by re-running the changed reference on the case;
results the change does not explain, and changes that could loop, are never claimed."""
from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import numpy as np
import pytest

from grader.cases import public_cases
from grader.course import find_course
from grader.diagnosis import one_change
from grader.engine import grade
from grader.exercises import catalogue
from grader.oracle import oracle_for
from tests.authored_course import course_from_guide

ROOT = Path(__file__).resolve().parents[2]
COURSE = find_course(ROOT)
EXERCISES = {e.name: e for e in catalogue(ROOT).exercises()}


def case_and_oracle(name: str, index: int = 0):
    exercise = EXERCISES[name]
    oracle = oracle_for([exercise.assignment], COURSE)
    return public_cases(exercise, oracle, COURSE.exercises_dir).main[index], oracle


def _batchnorm_grads(case, mean_path_sign: float = -1.0):
    """layers' batchnorm_backward, with the sign of its mean path (the -dbeta term) chosen."""
    x, gamma, dout = case.arrays["x"], case.arrays["gamma"], case.dout
    n, inv_std = x.shape[0], 1 / np.sqrt(x.var(axis=0) + 1e-5)
    x_hat = (x - x.mean(axis=0)) * inv_std
    dbeta, dgamma = dout.sum(axis=0), (dout * x_hat).sum(axis=0)
    dx = gamma * inv_std / n * (n * dout + mean_path_sign * dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta


def test_a_change_inside_the_diagnosed_step_is_named_not_one_in_a_right_result():
    # Flipping dbeta's sign also flips dx's mean path; but this student's dbeta is right, so the
    # diagnosis is the sign of the term in dx itself.
    case, oracle = case_and_oracle("batchnorm")
    results = _batchnorm_grads(case, mean_path_sign=+1.0)
    expected = oracle.backward(case)[0]
    hint, mistake = one_change.explain(case, oracle, "dx", results, 0, expected, backward=True)
    assert mistake == "dx_term_off"
    assert "+ dbeta where - dbeta belongs" in hint
    assert "sign of dbeta" not in hint


def test_a_term_left_out_of_a_loss_is_not_told_about_paths_back_to_it():
    # Round 25: an svm's margins without the + 1: a term of the loss's formula, which no path of the
    # chain rule stands for (in the loss, nor in the dx computed with it); a backward's term keeps the paths.
    case, oracle = case_and_oracle("svm")
    x, y = case.arrays["x"], case.extras[0]
    rows = np.arange(x.shape[0])
    margins = np.maximum(0.0, x - x[rows, y][:, None])
    margins[rows, y] = 0.0
    positive = (margins > 0).astype(float)
    positive[rows, y] = -positive.sum(axis=1)
    results = (np.asarray(margins.sum() / x.shape[0]), positive / x.shape[0])
    for what, position, backward in (("loss", 0, False), ("dx", 1, True)):
        right = np.asarray(oracle.forward(case)) if what == "loss" else oracle.backward(case)[0]
        hint, mistake = one_change.explain(case, oracle, what, results, position, right, backward=backward)
        assert mistake == f"{what}_term_off" and "the term 1.0 is left out" in hint
        assert "each path from the loss" not in hint and "Write out every term of the formula" in hint
    bn, bn_oracle = case_and_oracle("batchnorm")
    hint, _ = one_change.explain(bn, bn_oracle, "dx", _batchnorm_grads(bn, mean_path_sign=0.0), 0,
                                 bn_oracle.backward(bn)[0], backward=True)
    assert "is left out" in hint and "each path from the loss back to this value" in hint


def test_other_results_must_be_right_or_explained_by_the_same_change():
    case, oracle = case_and_oracle("batchnorm")
    dx, dgamma, dbeta = _batchnorm_grads(case, mean_path_sign=+1.0)
    expected = oracle.backward(case)[0]
    # dgamma wrong in a way the change does not give: no one-change diagnosis of dx
    assert one_change.explain(case, oracle, "dx", (dx, dgamma * 1.5, dbeta), 0, expected, backward=True) is None
    # the right answer, or noise, is never explained
    assert one_change.explain(case, oracle, "dx", (expected, dgamma, dbeta), 0, expected, backward=True) is None
    noise = np.random.default_rng(3).standard_normal(expected.shape)
    assert one_change.explain(case, oracle, "dx", (noise, dgamma, dbeta), 0, expected, backward=True) is None


def test_a_forward_output_is_diagnosed_too():
    case, oracle = case_and_oracle("softmax")
    x, y = case.arrays["x"], case["y"]
    shifted = x - x.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum())          # the log-sum-exp over the whole array
    loss = np.array(-log_probs[np.arange(x.shape[0]), y].mean())
    hint, mistake = one_change.explain(case, oracle, "loss", (loss,), 0, np.asarray(oracle.forward(case)),
                                       backward=False)
    assert mistake == "loss_axis_off"
    assert "sum over every axis where sum over axis 1 belongs" in hint


def _source(tmp_path: Path, text: str) -> str:
    path = tmp_path / "reference.py"
    path.write_text(textwrap.dedent(text))
    return str(path)


def test_edits_never_touch_loop_bounds_or_while_tests(tmp_path):
    source = _source(tmp_path, """
        def f(x, n):
            total = 0.0
            for i in range(n * 2):
                total += x[i] * 3.0
            k = 0
            while k < n * 2:
                k += 1
            return total
    """)
    said = [c.says for c in one_change.changes(source, 0, "f")]
    assert "the factor 3.0 is left out" in said
    assert "total = ... overwrites where total += ... adds to it" in said
    # range(n * 2) and the while test hold the only "n * 2": none of its edits is made
    assert not any("the factor 2 is left out" in s or "the factor n is left out" in s for s in said)
    assert not any("<=" in s or ">" in s for s in said)


def test_the_same_slip_everywhere_an_expression_appears(tmp_path):
    source = _source(tmp_path, """
        def g(x, stride):
            i = 1
            window = x[i * stride:i * stride + 2]
            return window
    """)
    changes = [c for c in one_change.changes(source, 0, "g") if c.says.startswith("the factor stride is left out")]
    assert sorted(c.says for c in changes) == ["the factor stride is left out", "the factor stride is left out",
                                               "the factor stride is left out, everywhere it appears"]
    everywhere = next(c for c in changes if c.says.endswith("everywhere it appears"))
    namespace = {}
    exec(everywhere.code, namespace)
    assert list(namespace["g"](np.arange(10), 3)) == [1, 2]       # x[1:3]: both i * stride became i


@pytest.fixture(scope="module")
def tanh_course(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tanh_course")
    course_from_guide(folder)
    return folder


@pytest.mark.parametrize("backward, mistake, phrase", [
    ("dout * (1 - out ** 3)", "dx_constant_off", "3 where 2 belongs"),
    ("dout * (1 + out ** 2)", "dx_term_off", "+ out ** 2 where - out ** 2 belongs"),
    ("dout * (1 - out) ** 2", None, None),          # not one change of the reference's formula
])
def test_an_undeclared_mistake_in_an_instructors_exercise_is_named(tanh_course, tmp_path, backward, mistake,
                                                                    phrase):
    # The guide's tanh exercise declares two mistakes; these are neither, and nothing in the
    # declaration knows them: the hint comes from the reference alone.
    submission = tmp_path / "tanh.py"
    submission.write_text(textwrap.dedent(f"""
        import numpy as np

        def tanh_forward(x):
            out = np.tanh(x)
            return out, out

        def tanh_backward(dout, cache):
            out = cache
            return {backward}
    """))
    report = grade(submission, course=tanh_course, seed=1)
    failed = [t for t in report.tests if t.function == "tanh_backward" and t.status == "failed"]
    assert failed
    first = failed[0]
    if mistake is None:
        assert not (first.mistake or "").endswith("_off")
        return
    assert first.mistake == mistake
    assert phrase in first.hint
    assert "Undo that change" in first.hint
    # the hidden cases' values are never quoted: the hint is the same at another seed
    again = grade(submission, course=tanh_course, seed=2)
    assert [t.hint for t in again.tests if t.function == "tanh_backward" and t.status == "failed"][0] == first.hint


def test_a_change_that_breaks_the_reference_or_its_inputs_is_harmless():
    # Every change of relu_backward run on one case: none may write into the case's arrays.
    case, oracle = case_and_oracle("relu")
    before = {k: v.copy() for k, v in case.arrays.items()}
    dout = case.dout.copy()
    student = (np.random.default_rng(0).standard_normal(case.arrays["x"].shape),)
    one_change.explain(case, oracle, "dx", student, 0, oracle.backward(case)[0], backward=True)
    assert all(np.array_equal(before[k], case.arrays[k]) for k in before)
    assert np.array_equal(dout, case.dout)


def test_a_diagnosis_is_confirmed_on_a_second_draw():
    # A change that explains one case but not the student's results on another draw is a chance
    # agreement, not their mistake: nothing is claimed.
    case, oracle = case_and_oracle("batchnorm")
    other = public_cases(EXERCISES["batchnorm"], oracle, COURSE.exercises_dir).main[1]
    results = _batchnorm_grads(case, mean_path_sign=+1.0)
    expected = oracle.backward(case)[0]

    def explained(second_results):
        return one_change.explain(case, oracle, "dx", results, 0, expected, backward=True,
                                  again=lambda: (other, second_results))
    assert explained(_batchnorm_grads(other, mean_path_sign=+1.0))[1] == "dx_term_off"
    assert explained(oracle.backward(other)) is None           # right there: this change is not theirs
    assert one_change.explain(case, oracle, "dx", results, 0, expected, backward=True, again=lambda: None) is None



def test_a_change_must_explain_the_students_results_on_the_other_public_cases():
    # On one configuration a change can agree by chance with a slip of another kind; the student's
    # results on the other public cases (`elsewhere`) confirm or refute it.
    case, oracle = case_and_oracle("batchnorm")
    other, _ = case_and_oracle("batchnorm", index=-1)
    results = _batchnorm_grads(case, mean_path_sign=+1.0)
    expected = oracle.backward(case)[0]
    same_slip = [(other, _batchnorm_grads(other, mean_path_sign=+1.0))]
    right_there = [(other, tuple(oracle.backward(other)))]
    explained = one_change.explain(case, oracle, "dx", results, 0, expected, backward=True,
                                   elsewhere=lambda: same_slip)
    assert explained is not None and explained[1] == "dx_term_off"
    # their dx is right on the other case, where the change would make it wrong: not their slip
    assert one_change.explain(case, oracle, "dx", results, 0, expected, backward=True,
                              elsewhere=lambda: right_there) is None
