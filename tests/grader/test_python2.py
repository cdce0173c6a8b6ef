"""Python 2 source (CS231n's solutions before 2017) is named with the list of what to change, by
line: refused when it does not compile (instead of a syntax error at its first print), graded with
that list as the report's first note when it does (its xrange loops fail, its other functions earn
their points)."""
from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.engine import grade
from grader.loading import load_submission
from grader.submission import SubmissionError

# Written in the style of 2016 solutions (our own code).
PYTHON2_LAYERS = '''import numpy as np


def affine_forward(x, w, b):
  print 'x', x.shape
  out = x.reshape(x.shape[0], -1).dot(w) + b
  return out, (x, w, b)


def conv_forward_naive(x, w, b, conv_param):
  try:
    stride = conv_param['stride']
  except KeyError, e:
    raise ValueError, 'conv_param needs a stride'
  N, C, H, W = x.shape
  for n in xrange(N):
    pass
  if conv_param.has_key('pad'):
    print >>sys.stderr, `conv_param`
  return x, None
'''

COMPILING_PYTHON2 = '''import numpy as np


def max_pool_forward_naive(x, pool_param):
    N, C, H, W = x.shape
    out = np.zeros((N, C, H // 2, W // 2))
    for i in xrange(H // 2):
        for j in xrange(W // 2):
            out[:, :, i, j] = x[:, :, 2 * i:2 * i + 2, 2 * j:2 * j + 2].max(axis=(2, 3))
    return out, (x, pool_param)
'''


def _refusal(path, tmp_path) -> str:
    with pytest.raises(SubmissionError) as refused:
        load_submission(path, tmp_path / "work")
    return str(refused.value)


def test_python2_source_is_named_with_every_line_to_change(tmp_path):
    path = tmp_path / "layers.py"
    path.write_text(PYTHON2_LAYERS)
    text = _refusal(path, tmp_path)
    assert text.startswith("layers.py is Python 2 source") and "syntax error" not in text
    for line, fix in [(5, "print(x)"), (13, "except E as e:"), (14, "raise E(message)"), (16, "range"),
                      (18, "`key in d`"), (19, "print(x, file=f)"), (19, "repr(x)")]:
        assert any(row.startswith(f"  line {line}:") and row.endswith(fix) for row in text.splitlines()), (line, text)
    assert len([row for row in text.splitlines() if row.startswith("  line")]) == 7


def test_python2_that_compiles_is_graded_and_the_report_opens_with_what_to_change(tmp_path):
    # Its functions without xrange earn their points; those with it fail, and the note says why.
    path = tmp_path / "layers.py"
    path.write_text(COMPILING_PYTHON2 + "\n\ndef relu_forward(x):\n    return np.maximum(x, 0), x\n")
    notes = load_submission(path, tmp_path / "work").notes
    assert len(notes) == 1 and "uses Python 2 names" in notes[0] and "NameError" in notes[0]
    assert "  line 7: xrange  ->  range" in notes[0] and "  line 8: xrange  ->  range" in notes[0]
    report = grade(path, assignment="layers2", public_only=True, in_process=True)
    assert notes[0] in report.notes
    pool = [t for t in report.tests if t.function == "max_pool_forward_naive" and t.check == "forward"]
    assert pool and all(t.score == 0 and "xrange" in t.output for t in pool)
    graded = grade(path, assignment="layers", public_only=True, in_process=True)
    relu = [t for t in graded.tests if t.function == "relu_forward" and t.check == "forward"]
    assert relu and all(t.score == t.max_score for t in relu)


@pytest.mark.parametrize("source, body", [
    ("from past.builtins import xrange\n", COMPILING_PYTHON2),
    ("xrange = range\n", COMPILING_PYTHON2),
    ("def xrange(n):\n    return range(n)\n", COMPILING_PYTHON2),
    ("def helper(long, unicode=str):\n    return unicode(long)\n", COMPILING_PYTHON2.replace("xrange", "range")),
    ("from functools import reduce\n", COMPILING_PYTHON2.replace("xrange", "range") + "\nTOTAL = reduce(max, [1])\n"),
    ("class Table:\n    def has_key_of(self, k):\n        return k\n", COMPILING_PYTHON2.replace("xrange", "range")),
], ids=["imported", "assigned", "defined", "parameters", "reduce imported", "lookalike method"])
def test_python3_files_that_bind_python2_names_themselves_are_graded(tmp_path, source, body):
    path = tmp_path / "layers.py"
    path.write_text(source + "\n\n" + body)
    assert "max_pool_forward_naive" in load_submission(path, tmp_path / "work").defined


def test_a_python2_notebook_names_cells_as_jupyter_numbers_them(tmp_path):
    path = tmp_path / "ConvolutionalNetworks.ipynb"
    nbformat.write(new_notebook(cells=[new_markdown_cell("# Conv"), new_code_cell("import numpy as np"),
                                       new_code_cell(COMPILING_PYTHON2)]), str(path))
    notes = load_submission(path, tmp_path / "work").notes    # it compiles: graded, with the note
    assert any("cell 3, line 7: xrange  ->  range" in note for note in notes)
    path.unlink()
    nbformat.write(new_notebook(cells=[new_code_cell("import numpy as np"), new_code_cell(PYTHON2_LAYERS)]),
                   str(path))
    assert "cell 2, line 5: print x  ->  print(x)" in _refusal(path, tmp_path)


def test_a_plain_syntax_error_is_still_a_syntax_error(tmp_path):
    path = tmp_path / "layers.py"
    path.write_text("def relu_forward(x):\n    return x +* 2\n")
    assert "line 2: syntax error" in _refusal(path, tmp_path)
