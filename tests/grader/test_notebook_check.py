"""notebook.check(): grade the code a student ran in a notebook, and show one exercise's report."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from grader import notebook
from grader.report.html import to_html
from grader.report.text import to_text
from grader import results
from grader.results import Report, Status, Visibility

ROOT = Path(__file__).resolve().parents[2]
LAYERS_STUB = (ROOT / "exercises/layers/layers.py").read_text()

RELU = '''import numpy as np


def relu_forward(x):
    return np.maximum(x, 0.0), x


def relu_backward(dout, cache):
    return (cache > 0) * dout
'''
# Wrong only at x == 0, and outside [0, dout] there (x >= 0 would be a valid subgradient).
BUGGY_RELU = RELU.replace("(cache > 0)", "((cache > 0) + 2.0 * (cache == 0))")
RELU_FORWARD_ONLY = RELU.split("\n\n\ndef relu_backward")[0]
CHECK_CELL = 'from grader import notebook\nnotebook.check("relu_backward");'


def score_line(report: Report) -> str:
    return f"Score: {report.score:g} / {report.max_score:g}"


class FakeShell:
    """What check() reads from IPython: the input history `In` (In[0] is empty, In[k] is cell [k])."""
    def __init__(self, cells):
        self.user_ns = {"In": ["", *cells]}


@pytest.fixture
def kernel(monkeypatch):
    """kernel(cells) -> the displayed mime bundles: check() runs as if in IPython with that history."""
    shown: list[dict] = []
    monkeypatch.setattr("IPython.display.display", lambda bundle, raw=False: shown.append(bundle))

    def run(cells):
        monkeypatch.setattr(notebook, "_shell", lambda: FakeShell(cells))
        return shown
    return run


def test_a_correct_relu_gets_full_marks_and_the_check_cell_is_not_graded(capsys):
    report = notebook.check("relu_backward", source=[RELU, CHECK_CELL])
    assert report.all_passed and report.score == report.max_score > 0
    assert report.functions() == ["relu_forward", "relu_backward"]
    assert not [n for n in report.notes if "top-level" in n or "not defined" in n]
    out = capsys.readouterr().out
    assert score_line(report) in out and "relu_backward" in out


def test_a_buggy_relu_fails_the_convention_check_with_a_hint(capsys):
    report = notebook.check("relu_forward", source=BUGGY_RELU)
    failing = [t for t in report.tests if t.status is not Status.PASSED]
    assert [(t.function, t.check) for t in failing] == [("relu_backward", "convention at kinks")]
    out = capsys.readouterr().out
    assert "✗ convention at kinks (public)" in out and "hint:" in out and "x > 0" in out
    assert score_line(report) in out


def test_the_report_is_filtered_to_the_exercise_and_later_cells_win(capsys):
    cells = [LAYERS_STUB, RELU]          # every stub, then relu written
    relu = notebook.check("relu_forward", source=cells)
    assert relu.functions() == ["relu_forward", "relu_backward"] and relu.all_passed
    everything = notebook.check(source=cells)
    assert everything.functions()[:2] == ["affine_forward", "affine_backward"]
    assert len(everything.functions()) == 9 and not everything.all_passed
    assert {t.status for t in everything.tests if not t.function.startswith("relu")} == {Status.MISSING}
    assert "affine_forward" not in to_text(relu)
    assert notebook.check("relu", source=cells).functions() == ["relu_forward", "relu_backward"]
    capsys.readouterr()


def test_a_forward_check_leaves_out_a_backward_not_run_yet(capsys):
    forward = notebook.check("relu_forward", source=RELU_FORWARD_ONLY)
    assert forward.functions() == ["relu_forward"] and forward.all_passed
    backward = notebook.check("relu_backward", source=RELU_FORWARD_ONLY)
    assert backward.functions() == ["relu_forward", "relu_backward"]
    assert {t.status for t in backward.tests if t.function == "relu_backward"} == {Status.MISSING}
    assert any("relu_backward is not defined" in note and "run the cell" in note for note in backward.notes)
    capsys.readouterr()


@pytest.mark.parametrize("history, passes", [
    ([BUGGY_RELU, RELU, CHECK_CELL], True),              # the fix ran last
    ([RELU, BUGGY_RELU, CHECK_CELL], False),
    ([BUGGY_RELU, RELU, BUGGY_RELU, CHECK_CELL], False),  # the buggy cell ran again, after the fix
    ([RELU, BUGGY_RELU, RELU, CHECK_CELL, CHECK_CELL], True),
])
def test_the_kernel_history_is_graded_in_the_order_it_ran(kernel, history, passes):
    shown = kernel(history)
    report = notebook.check("relu_backward")
    assert report.all_passed is passes
    assert len(shown) == 1 and set(shown[0]) == {"text/html", "text/plain"}
    assert score_line(report) in shown[0]["text/plain"]
    assert ("✗ convention at kinks" in shown[0]["text/html"]) is not passes


def test_a_history_cell_with_a_syntax_error_did_not_run(kernel):
    broken = "def relu_backward(dout, cache:\n    return dout"
    kernel([RELU, broken, CHECK_CELL])
    report = notebook.check("relu_backward")
    assert report.all_passed
    assert any(n.startswith("cell [2] has a syntax error") and "relu_backward" in n for n in report.notes)
    kernel([broken, RELU, CHECK_CELL])   # fixed and run again later: nothing to say
    assert not [n for n in notebook.check("relu_backward").notes if "syntax" in n]


def test_a_syntax_error_in_given_source_is_a_message_not_a_traceback(capsys):
    assert notebook.check("relu_forward", source=[RELU, "def relu_forward(x:\n    pass"]) is None
    out = capsys.readouterr().out
    assert out.startswith("Could not check your notebook: cell 2, line 1: syntax error")
    assert "Fix that cell, run it" in out and "Traceback" not in out


@pytest.mark.parametrize("name, source, message", [
    ("relu_backwards", RELU, "'relu_backwards' is not an exercise function; check one of: add_forward"),
    (None, "x = 1\nprint(x)", "none of the exercise functions is defined yet"),
])
def test_problems_are_messages(capsys, name, source, message):
    assert notebook.check(name, source=source) is None
    assert message in capsys.readouterr().out


def test_outside_a_notebook_check_needs_source(capsys):
    assert notebook.check("relu_forward") is None
    assert "grade check" in capsys.readouterr().out


def test_problems_display_as_escaped_html_in_a_notebook(kernel):
    shown = kernel(["def relu_forward(x):\n    return x\n", CHECK_CELL])
    assert notebook.check("<relu>") is None
    assert "&lt;relu&gt;" in shown[0]["text/html"] and "<relu>" not in shown[0]["text/html"]


HOSTILE = '''import numpy as np


def relu_forward(x):
    print("<script>alert('printed')</script>")
    raise ValueError("<script>alert('raised')</script>")


def relu_backward(dout, cache):
    return dout
'''


def test_hostile_output_is_escaped_in_the_notebook(kernel):
    shown = kernel([HOSTILE])
    report = notebook.check("relu_forward")
    html = shown[0]["text/html"]
    assert "<script>alert('raised')</script>" in report.tests[0].output
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#x27;raised&#x27;)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(&#x27;printed&#x27;)&lt;/script&gt;" in html


def test_to_html_escapes_every_field():
    evil = "<img src=x onerror=alert(1)>"
    tests = [results.TestResult(evil, evil, Visibility.VISIBLE, Status.FAILED, 0.0, 1.0, evil, evil),
             results.TestResult(evil, evil, Visibility.VISIBLE, Status.PASSED, 1.0, 1.0)]
    html = to_html(Report(tests=tests, notes=[evil], student_output=evil), full_page=True)
    # function, note, printed output, and the failed check's name, output and hint; the passed check's name
    assert "<img" not in html and html.count("&lt;img src=x onerror=alert(1)&gt;") == 7
    assert html.startswith("<!DOCTYPE html>")


def test_html_has_the_content_of_the_text_report(capsys):
    report = notebook.check(source=[LAYERS_STUB, BUGGY_RELU])
    capsys.readouterr()
    text, html = to_text(report), to_html(report)
    for line in text.splitlines():
        words = re.sub(r"\s+", " ", line.strip().removeprefix("hint: ")).strip()
        if words:
            assert escape_spaces(words) in escape_spaces(html_text(html)), line
    assert "<details" in html   # passed checks are listed, folded
    assert html.count("✓ ") >= sum(t.status is Status.PASSED for t in report.tests)


def html_text(html: str) -> str:
    """The visible text of the report's HTML, unescaped."""
    from html import unescape
    return unescape(re.sub(r"<[^>]+>", "", html))


def escape_spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_notebook_module_drops_check_cells_and_ipython_lines_only():
    cells = [
        "get_ipython().run_line_magic('matplotlib', 'inline')",
        's = "é"; from grader import notebook; notebook.check("relu_forward")',
        "import numpy as np\nx = np.ones(3)\n",
        RELU,
        RELU,
    ]
    module, notes = notebook.notebook_module(cells, from_history=True)
    assert "grader" not in module and "check(" not in module and "get_ipython" not in module
    assert 's = "é"' in module
    assert module.count("def relu_forward") == 1   # the same cell run twice counts once
    assert notes == ["top-level statements in cell(s) 3 were not run: only imports, functions, classes and "
                     "constants are graded."]
