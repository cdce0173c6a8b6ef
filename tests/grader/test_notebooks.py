"""Reading a notebook's cells: the json fast path reads exactly what nbformat reads, and leaves
every file that is not plainly a v4 notebook to nbformat (whose errors the student sees)."""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

from grader import notebooks
from grader.submission import SubmissionError


def full_notebook() -> dict:
    cells = [new_markdown_cell("# Intro", attachments={"a.png": {"image/png": "aGk="}}),
             new_code_cell("import numpy as np\n%matplotlib inline", outputs=[
                 new_output("stream", name="stdout", text="hi\n"),
                 new_output("execute_result", data={"text/plain": "1"}, execution_count=1),
                 new_output("display_data", data={"text/plain": "2"}),
                 new_output("error", ename="E", evalue="v", traceback=["t"])], execution_count=1),
             new_raw_cell("raw"),
             new_code_cell("def relu_forward(x):\n    return x * (x > 0), x\n")]
    notebook = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "P"}})
    return json.loads(nbformat.writes(notebook))   # as saved: sources split into lists of lines


def with_(change) -> dict:
    notebook = full_notebook()
    change(notebook)
    return notebook


def as_minor_4(notebook):
    notebook["nbformat_minor"] = 4
    for cell in notebook["cells"]:
        del cell["id"]


READ_FAST = {
    "as Jupyter saves it": full_notebook(),
    "sources as one string": with_(lambda nb: [c.update(source="".join(c["source"])) for c in nb["cells"]]),
    "nbformat 4.4, no cell ids": with_(as_minor_4),
    "no cells": with_(lambda nb: nb.update(cells=[])),
    "a code cell without outputs": with_(lambda nb: nb["cells"][1].pop("outputs")),
    "an unknown cell type": with_(lambda nb: nb["cells"][2].update(cell_type="sql")),
    "schema-invalid metadata": with_(lambda nb: nb["metadata"].update(kernelspec={"name": 3})),
}

LEFT_TO_NBFORMAT = {
    "not JSON": '{"cells": [',
    "empty": "",
    "not UTF-8": b'{"nbformat": 4, "x": "\xff"}',
    "a byte-order mark": "\ufeff" + json.dumps(full_notebook()),
    "a JSON list": [],
    "nbformat 3": {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": [
        {"cell_type": "code", "input": "x = 1", "outputs": [], "language": "python", "metadata": {}}]}]},
    "a future version": with_(lambda nb: nb.update(nbformat=5)),
    "a future minor": with_(lambda nb: nb.update(nbformat_minor=6)),
    "the version as a string": with_(lambda nb: nb.update(nbformat="4")),
    "cells not a list": with_(lambda nb: nb.update(cells="nope")),
    "no metadata": with_(lambda nb: nb.pop("metadata")),
    "a cell without metadata": with_(lambda nb: nb["cells"][1].pop("metadata")),
    "a cell without a type": with_(lambda nb: nb["cells"][0].pop("cell_type")),
    "a cell without source": with_(lambda nb: nb["cells"][3].pop("source")),
    "a markdown cell without source": with_(lambda nb: nb["cells"][0].pop("source")),
    "a source of numbers": with_(lambda nb: nb["cells"][3].update(source=[1, 2])),
    "a 4.5 cell without an id": with_(lambda nb: nb["cells"][1].pop("id")),
    "two cells with one id": with_(lambda nb: nb["cells"][1].update(id=nb["cells"][0]["id"])),
    "an output that is a string": with_(lambda nb: nb["cells"][1].update(outputs=["x"])),
    "an output type that is a list": with_(lambda nb: nb["cells"][1]["outputs"][0].update(output_type=["x"])),
    "stream text of numbers": with_(lambda nb: nb["cells"][1]["outputs"][0].update(text=[1])),
    "output data that is a list": with_(lambda nb: nb["cells"][1]["outputs"][1].update(data=[])),
    "an attachment that is a string": with_(lambda nb: nb["cells"][0].update(attachments={"a": "b"})),
}


def write(tmp_path, content):
    path = tmp_path / "work.ipynb"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def through_nbformat(path):
    """What reading the notebook was before the fast path: nbformat alone, errors included."""
    try:
        notebook = nbformat.read(str(path), as_version=4)
        return [(n, cell.source) for n, cell in enumerate(notebook.cells, start=1) if cell.cell_type == "code"]
    except Exception as error:  # noqa: BLE001
        return type(error)


def read(path):
    try:
        return notebooks.read_cells(path)
    except SubmissionError as error:
        return str(error)
    except Exception as error:  # noqa: BLE001
        return type(error)


@pytest.mark.parametrize("content", READ_FAST.values(), ids=READ_FAST.keys())
def test_a_plain_v4_notebook_is_read_with_json_as_nbformat_reads_it(tmp_path, content):
    path = write(tmp_path, content)
    assert notebooks._plain_v4_cells(path.read_bytes()) is not None
    assert notebooks.read_cells(path) == through_nbformat(path)


@pytest.mark.parametrize("content", LEFT_TO_NBFORMAT.values(), ids=LEFT_TO_NBFORMAT.keys())
def test_anything_else_is_left_to_nbformat(tmp_path, content):
    path = write(tmp_path, copy.deepcopy(content))
    assert notebooks._plain_v4_cells(path.read_bytes()) is None
    before = through_nbformat(path)
    after = read(path)
    if isinstance(before, list):
        assert after == before
    else:   # the student's message (a cell without type or source used to be an AttributeError)
        assert isinstance(after, str) and after.startswith("work.ipynb is not a valid Jupyter notebook"), after


def test_a_deeply_nested_file_is_not_a_crash(tmp_path):
    path = write(tmp_path, "[" * 100_000 + "]" * 100_000)
    with pytest.raises(SubmissionError, match="not a valid Jupyter notebook"):
        notebooks.read_cells(path)


def test_a_plain_notebook_is_read_without_importing_nbformat(tmp_path):
    path = write(tmp_path, full_notebook())
    code = ("import sys, pathlib\nfrom grader.notebooks import read_cells\n"
            f"read_cells(pathlib.Path({str(path)!r}))\nprint('nbformat' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("lesson", sorted((Path(__file__).resolve().parents[2] / "exercises").glob("*/*.ipynb")),
                         ids=lambda path: path.name)
def test_a_lesson_notebook_as_handed_out_converts_without_a_note(lesson):
    # Its check cells (notebook.check("...")) are the lesson's own: not run while grading, and no
    # note tells the student that their notebook's statements were left out.
    assert notebooks.convert(lesson).notes == []


def test_assignments_that_read_what_the_notebook_computed_are_not_run():
    # Karpathy's style: gradients assigned at top level from the forward's values. Kept, they would
    # fail the import with a NameError and cost the functions written beside them too.
    cells = ["import numpy as np\nEPS = 1e-5\nSHAPE = (2, 3)\nTOL = EPS * 10\nplt_size = np.pi",
             "dlogprobs = np.zeros((32, 27))\ndlogprobs[range(n), Yb] = -1.0/n",
             "dprobs = (1.0 / probs) * dlogprobs",
             "def dcounts_sum_inv(counts, dprobs):\n    return (counts * dprobs).sum(1, keepdims=True)"]
    conversion = notebooks.convert_cells(cells, "ninja.ipynb")
    namespace: dict = {}
    exec(compile(conversion.source, "ninja.ipynb", "exec"), namespace)     # our own cells: no NameError
    assert "dcounts_sum_inv" in namespace and "dprobs" not in namespace and "dlogprobs" not in namespace
    assert namespace["TOL"] == 1e-4 and namespace["SHAPE"] == (2, 3) and namespace["plt_size"] == np.pi
    assert conversion.notes == ["top-level statements in cell(s) 2, 3 were not run: only imports, functions, "
                                "classes and constants are graded."]


def test_python2_names_are_noted_only_in_cells_that_run():
    cells = ["import numpy as np", "def relu_forward(x):\n    for i in xrange(3):\n        pass\n    return x, x",
             "for i in xrange(3):\n    print(i)"]
    notes = notebooks.convert_cells(cells, "layers.ipynb").notes
    assert "cell 2, line 2: xrange  ->  range" in notes[0] and "cell 3" not in notes[0]
    assert notes[1].startswith("top-level statements in cell(s) 3 were not run")
    assert notebooks.convert_cells(cells[:1] + cells[2:], "layers.ipynb").notes == [
        "top-level statements in cell(s) 2 were not run: only imports, functions, classes and constants are graded."]
