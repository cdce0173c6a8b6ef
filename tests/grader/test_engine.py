"""The engine: report order, what a student sees of their own output, crashes inside checks."""
from __future__ import annotations

import dataclasses

from grader import engine
from grader.engine import grade
from grader.results import Status

PRINTING_RELU = '''
import numpy as np
def relu_forward(x):
    print("shape", x.shape, "first value %.17g" % x.ravel()[0])
    return np.maximum(x, 0), x
def relu_backward(dout, cache):
    return dout * (cache > 0)
'''


def test_output_printed_during_hidden_checks_is_not_shown(write):
    report = grade(write(PRINTING_RELU))
    shown = report.student_output
    # Public inputs are shown as printed; the hidden ones never are.
    assert "shape (4, 5)" in shown
    hidden_only = report.to_dict()
    assert any(t["visibility"] == "hidden" for t in hidden_only["tests"])
    assert "(2, 3, 2, 2)" not in shown and "(2, 3, 2)" not in shown   # hidden-only edge shapes
    assert any("hidden checks is not shown" in note for note in report.notes)


def test_report_order_is_by_function_then_check_public_before_hidden(write):
    report = grade(write(PRINTING_RELU))
    names = [(t.function, t.check, t.visibility) for t in report.tests]
    assert names[0] == ("relu_forward", "forward", "visible")
    assert names[1] == ("relu_forward", "forward", "hidden")
    functions = [t.function for t in report.tests]
    assert functions.index("relu_backward") > len(functions) - functions[::-1].index("relu_forward") - 1


def test_a_check_that_crashes_becomes_an_error_result_not_an_exception(write, monkeypatch):
    def broken(ctx, cases):
        raise RuntimeError("bug in the grader")
    original = engine._run_check

    def crashing(spec, ctx, cases):
        if spec.name == "forward":
            spec = dataclasses.replace(spec, run=broken)
        return original(spec, ctx, cases)
    monkeypatch.setattr(engine, "_run_check", crashing)
    report = grade(write(PRINTING_RELU), public_only=True)
    [forward] = [t for t in report.tests if t.check == "forward"]
    assert forward.status == Status.ERROR and "failed internally" in forward.output
    assert "report this to your instructor" in forward.output
    assert any(t.status == "passed" for t in report.tests)   # the rest still graded
