"""Notebook and zip submissions, made as students make them (nbformat, zipfile)."""
from __future__ import annotations

import zipfile
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.engine import grade
from grader.loading import load_submission
from grader.submission import SubmissionError

ROOT = Path(__file__).resolve().parents[2]
RELU = '''def relu_forward(x):
    """ReLU."""
    return np.maximum(x, 0.0), x
'''
RELU_BACKWARD = '''def relu_backward(dout, cache):
    return dout * (cache > 0)
'''


def notebook(path: Path, *cells) -> Path:
    nbformat.write(new_notebook(cells=[c if not isinstance(c, str) else new_code_cell(c) for c in cells]), str(path))
    return path


def relu_tests(report):
    return [t for t in report.tests if t.function.startswith("relu")]


def test_a_valid_notebook_grades_like_the_same_py(tmp_path):
    path = notebook(tmp_path / "work.ipynb", new_markdown_cell("# ReLU"), "import numpy as np", RELU, RELU_BACKWARD)
    report = grade(path, public_only=True)
    assert relu_tests(report) and report.score == report.max_score


def test_a_function_defined_across_two_cells(tmp_path):
    # relu_backward's helper lives in another cell, defined after it is referenced.
    path = notebook(tmp_path / "work.ipynb", "import numpy as np", RELU,
                    "def relu_backward(dout, cache):\n    return dout * mask(cache)", "def mask(x):\n    return x > 0")
    report = grade(path, public_only=True)
    assert report.score == report.max_score


def test_magics_and_shell_lines_are_dropped_not_run(tmp_path):
    canary = tmp_path / "ran.txt"
    path = notebook(tmp_path / "work.ipynb", f"%matplotlib inline\n!touch {canary}\nimport numpy as np",
                    f"%%bash\ntouch {canary}", RELU, "files = !ls\n" + RELU_BACKWARD)
    report = grade(path, public_only=True)
    assert report.score == report.max_score
    assert not canary.exists()
    notes = " ".join(report.notes)
    assert "cell magic" in notes and "IPython line(s)" in notes


def test_experiments_in_cells_are_not_run(tmp_path):
    path = notebook(tmp_path / "work.ipynb", "import numpy as np\nimport matplotlib.pyplot as plt", RELU,
                    RELU_BACKWARD, "x = np.random.randn(3, 4)\nprint(relu_forward(x))\nraise SystemExit('stop')")
    report = grade(path, public_only=True)
    assert report.score == report.max_score
    assert "cell(s) 4 were not run" in " ".join(report.notes)


def test_an_exception_at_import_is_reported_with_the_students_traceback(tmp_path):
    path = notebook(tmp_path / "work.ipynb", "import numpy as np", RELU + "\nclass Broken:\n    value = 1 / 0\n",
                    RELU_BACKWARD)
    report = grade(path, public_only=True)
    assert report.score == 0
    assert all("ZeroDivisionError" in t.output for t in report.tests)


@pytest.mark.parametrize("content, words", [
    ('{"cells": [', "not a valid Jupyter notebook"),
    ('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": "nope"}', "not a valid Jupyter notebook"),
    ("", "not a valid Jupyter notebook"),
])
def test_a_notebook_that_does_not_parse_gets_a_clear_message(tmp_path, content, words):
    path = tmp_path / "work.ipynb"
    path.write_text(content)
    with pytest.raises(SubmissionError, match=words):
        grade(path)


def test_a_notebook_without_code(tmp_path):
    path = notebook(tmp_path / "work.ipynb", new_markdown_cell("I will do it later"), "   ")
    with pytest.raises(SubmissionError, match="has no code"):
        grade(path)


def test_a_notebook_defining_nothing_gradable(tmp_path):
    path = notebook(tmp_path / "work.ipynb", "def helper():\n    return 1")
    with pytest.raises(SubmissionError, match="none of the exercise functions"):
        grade(path)


def test_a_syntax_error_names_the_cell_as_jupyter_shows_it(tmp_path):
    path = notebook(tmp_path / "work.ipynb", new_markdown_cell("intro"), "import numpy as np", "def relu_forward(x:\n  pass")
    with pytest.raises(SubmissionError, match="cell 3"):
        grade(path)


def test_a_zip_grades_the_file_defining_the_most_functions(tmp_path):
    archive = tmp_path / "submission.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.write(ROOT / "reference/layers/layers.py", "work/layers.py")
        bundle.writestr("work/helpers.py", "def relu_forward(x):\n    return x, x\n")
        bundle.writestr("__MACOSX/work/._layers.py", "junk")
        bundle.writestr("notes.txt", "hello")
    report = grade(archive, public_only=True)
    assert report.score == report.max_score and len(report.functions()) == 9
    assert "graded work/layers.py" in " ".join(report.notes)


def test_a_zip_holding_a_notebook(tmp_path):
    nb = notebook(tmp_path / "work.ipynb", "import numpy as np", RELU, RELU_BACKWARD)
    archive = tmp_path / "submission.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.write(nb, "work.ipynb")
    assert grade(archive, public_only=True).score > 0


def test_zip_members_cannot_escape_the_extraction_folder(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("../../escaped.py", "def relu_forward(x):\n    return x, x\n")
        bundle.writestr("/abs/escaped.py", "def relu_forward(x):\n    return x, x\n")
        bundle.writestr("ok/layers.py", (ROOT / "reference/layers/layers.py").read_text())
    workdir = tmp_path / "work"
    workdir.mkdir()
    submission = load_submission(archive, workdir)
    assert submission.path.name == "layers.py"
    assert not list(tmp_path.rglob("escaped.py"))


@pytest.mark.parametrize("content", [b"PK\x03\x04 not really", b"plain text"])
def test_a_broken_zip_gets_a_clear_message(tmp_path, content):
    path = tmp_path / "submission.zip"
    path.write_bytes(content)
    with pytest.raises(SubmissionError, match="not a readable zip"):
        grade(path)


def test_a_zip_without_sources(tmp_path):
    archive = tmp_path / "submission.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("readme.txt", "nothing")
    with pytest.raises(SubmissionError, match="no .py or .ipynb"):
        grade(archive)


def test_tracebacks_point_at_the_notebook_cell_and_line(tmp_path):
    path = notebook(tmp_path / "work.ipynb", new_markdown_cell("intro"), "import numpy as np",
                    "def relu_forward(x):\n    y = x\n    raise ValueError('oops')\n", RELU_BACKWARD)
    report = grade(path, public_only=True)
    [first, *_] = [t for t in report.tests if t.function == "relu_forward"]
    assert "cell 3, line 3, in relu_forward" in first.output
    assert "work.ipynb.py" not in first.output
