"""A failed gradient check names every gradient it found wrong (the dashboard's function x gradient
heat map counts them), while its hint and mistake id stay about the first one."""
from __future__ import annotations

import json

from grader.engine import grade
from grader.report.json_report import to_json
from grader.results import Report, TestResult


def failed(report, function: str) -> list[TestResult]:
    """The tests of `function` that failed (the checks waiting for them are skipped)."""
    return [t for t in report.tests if t.function == function and t.status == "failed"]


def test_two_wrong_gradients_are_both_named(mutant):
    path = mutant("layers", "dw = x_flat.T @ dout", "dw = -(x_flat.T @ dout)",
                  "db = dout.sum(axis=0)", "db = 3 * dout.sum(axis=0)")
    report = grade(path, assignment="layers", public_only=True)
    [flag] = failed(report, "affine_backward")
    assert flag.check == "gradient" and flag.mistake == "dw_sign"          # the hint is about the first
    assert flag.wrong_gradients == ("dw", "db")


def test_every_wrong_shape_is_named(mutant):
    path = mutant("layers", "dw = x_flat.T @ dout", "dw = dout.T @ x_flat",
                  "db = dout.sum(axis=0)", "db = dout.sum(axis=0, keepdims=True)")
    report = grade(path, assignment="layers", public_only=True)
    [flag] = failed(report, "affine_backward")
    assert flag.mistake == "dw_shape_transposed" and flag.wrong_gradients == ("dw", "db")


def test_gradients_wrong_for_a_wrong_forward_are_named(mutant):
    # The forward scales b by 1.01 (close to right, so an attempt at affine_forward): db = 3 sum(dout)
    # is wrong for it and for the reference; dw misses both by its sign. dx is right (the forward's
    # x part is the reference's).
    path = mutant("layers", "    out = x_flat @ w + b\n", "    out = x_flat @ w + 1.01 * b\n",
                  "dw = x_flat.T @ dout", "dw = -(x_flat.T @ dout)",
                  "db = dout.sum(axis=0)", "db = 3 * dout.sum(axis=0)")
    report = grade(path, assignment="layers", public_only=True)
    [flag] = failed(report, "affine_backward")
    assert flag.mistake == "gradient_wrong_for_own_forward" and flag.wrong_gradients == ("dw", "db")


def test_a_forward_far_from_right_earns_its_backward_nothing(mutant):
    # The forward adds b twice: far from right and no known mistake. Its backward, exact for it
    # (db = 2 sum(dout)), is judged against the reference and fails, naming the gradient.
    path = mutant("layers", "    out = x_flat @ w + b\n", "    out = x_flat @ w + 2 * b\n",
                  "db = dout.sum(axis=0)", "db = 2 * dout.sum(axis=0)")
    report = grade(path, assignment="layers", public_only=True)
    [flag] = [t for t in failed(report, "affine_backward") if t.check == "gradient"]
    assert flag.wrong_gradients == ("db",) and flag.mistake == "db_scaled"
    assert "affine_forward is wrong too" in flag.output


def test_a_gates_backward_names_its_own_gradients(mutant):
    report = grade(mutant("gates", "db = unbroadcast(a * dout, b.shape)", "db = unbroadcast(b * dout, b.shape)"),
                   assignment="gates", public_only=True)
    [flag] = failed(report, "mul_backward")
    assert flag.wrong_gradients == ("db",)


def test_correct_code_and_a_backward_that_raises_name_none(mutant, failing):
    correct = grade(mutant("layers"), assignment="layers", public_only=True)
    assert correct.tests and all(t.wrong_gradients == () for t in correct.tests)
    raising = grade(mutant("layers", "db = dout.sum(axis=0)", "db = dout.sum(axis=0) + undefined_name"),
                    assignment="layers", public_only=True)
    flagged = failing(raising, "affine_backward")
    assert any(t.check == "gradient" and t.status == "error" for t in flagged)
    assert all(t.wrong_gradients == () for t in flagged)                   # unknown: it never returned


def test_the_json_report_carries_them_and_old_reports_still_read(mutant):
    path = mutant("layers", "db = dout.sum(axis=0)", "db = dout.sum(axis=1)")
    report = grade(path, assignment="layers", public_only=True)
    data = json.loads(to_json(report))
    [entry] = [t for t in data["tests"] if t["function"] == "affine_backward" and t["check"] == "gradient"]
    assert entry["wrong_gradients"] == ["db"] and entry["mistake"] == "db_wrong_axis"
    assert all(t["wrong_gradients"] == [] for t in data["tests"] if t["status"] == "passed")
    assert Report.from_dict(data).tests == report.tests                    # a round trip
    for test in data["tests"]:
        del test["wrong_gradients"]                                         # a report from before the key
    old = Report.from_dict(data)
    assert [t.wrong_gradients for t in old.tests] == [()] * len(report.tests)
