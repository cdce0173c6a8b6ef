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


def test_no_note_about_hidden_output_when_nothing_was_printed(write):
    report = grade(write(PRINTING_RELU.replace('    print("shape", x.shape, "first value %.17g" % x.ravel()[0])\n', "")))
    assert report.student_output == "" and not any("not shown" in note for note in report.notes)


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


OVERFLOWING_EXP = '''import numpy as np
def exp_forward(x):
    out = np.exp(x * 1000.0)
    return out, out
'''


def test_a_warning_names_the_students_file_not_where_the_grader_stored_it(write):
    report = grade(write(OVERFLOWING_EXP, name="gates.py"), public_only=True)
    assert report.student_output.startswith("gates.py:3: RuntimeWarning: overflow encountered in exp\n")
    assert "grader-submission" not in report.student_output and "/tmp" not in report.student_output


def test_a_warning_raised_inside_numpy_names_numpys_file_not_its_install_folder(write):
    source = "import numpy as np\ndef sum_forward(x, axis=None, keepdims=False):\n" \
             "    return np.zeros((0,)).mean() + x.sum(axis=axis, keepdims=keepdims), x\n"
    report = grade(write(source, name="gates.py"), public_only=True)
    assert "RuntimeWarning: Mean of empty slice" in report.student_output
    assert "numpy/_core/" in report.student_output and "site-packages" not in report.student_output


def test_a_warning_in_a_notebook_names_its_cell_and_line(tmp_path):
    import nbformat
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("import numpy as np"),
                      nbformat.v4.new_code_cell(OVERFLOWING_EXP.split("\n", 1)[1])]
    path = tmp_path / "gates.ipynb"
    nbformat.write(notebook, path)
    report = grade(path, public_only=True)
    assert report.student_output.startswith("cell 2, line 2: RuntimeWarning: overflow encountered in exp\n")


MATPLOTLIB_AT_IMPORT = '''import numpy as np
import os
import matplotlib.pyplot as plt
plt.figure()
with open(os.path.expanduser("~/.config/notes.txt"), "w") as notes:
    notes.write("written")
def relu_forward(x):
    return np.maximum(x, 0), x
def relu_backward(dout, cache):
    return dout * (cache > 0)
'''


def test_student_code_has_a_writable_home_of_its_own_so_matplotlib_is_quiet(write):
    report = grade(write(MATPLOTLIB_AT_IMPORT), public_only=True)
    assert report.tests and all(t.status == "passed" for t in report.tests), report.to_dict()
    assert "mkdir" not in report.student_output and "/root" not in report.student_output
    assert "Matplotlib" not in report.student_output


def test_a_hidden_exception_without_a_reading_points_at_the_public_check_that_raised_it_too(mutant):
    # np.reshape's newshape= keyword (gone in NumPy 2.4): the public check reads it from the message,
    # which a hidden check withholds; the same line and the same TypeError point the hidden check at it.
    path = mutant("layers", "    x_flat = x.reshape(x.shape[0], w.shape[0])\n    out = x_flat @ w + b",
                  "    x_flat = np.reshape(x, newshape=(x.shape[0], w.shape[0]))\n    out = x_flat @ w + b",
                  name="layers.py")
    report = grade(path, assignment="layers", seed=1)
    forward = [t for t in report.tests if t.function == "affine_forward" and t.status is Status.ERROR]
    public = [t for t in forward if t.visibility.value == "visible"]
    hidden = [t for t in forward if t.visibility.value == "hidden"]
    assert public and hidden and all(t.mistake == "numpy_removed_api" for t in public)
    for check in hidden:
        assert check.hint.startswith('The same line raised the same TypeError in the public check "forward"')
        assert "newshape" in check.hint and check.mistake == "exception"     # a pointer: no cause claimed


def test_a_hidden_exception_at_another_line_gets_no_pointer():
    from grader.results import TestResult, Visibility
    def raised(visibility, line, hint):
        return TestResult("f", "forward", visibility, Status.ERROR, 0, 1,
                          f'f raised an exception:\n  File "x.py", line 3\n    {line}\nValueError: m', hint, "exception")
    public = raised(Visibility.VISIBLE, "y = a @ b", "a hint")
    other = raised(Visibility.HIDDEN, "z = a + b", None)
    assert engine._pointed_at_public([public, other])[1].hint is None
    same = raised(Visibility.HIDDEN, "y = a @ b", None)
    assert "a hint" in engine._pointed_at_public([public, same])[1].hint
