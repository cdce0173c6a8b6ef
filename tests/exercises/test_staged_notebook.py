"""A staged graph's notebook in a real Jupyter kernel: the student fills one cell per node and each
check cell grades the nodes run so far, drawing the graph with the first wrong node marked."""
from __future__ import annotations

import pytest

from tests.exercises.test_student_notebook import SCORE, check_outputs, execute, load, with_reference_solutions

pytest.importorskip("nbclient")


def test_a_ninja_notebook_with_one_wrong_node_is_marked_there_cell_by_cell():
    notebook = with_reference_solutions(load("ninja"), "ninja")
    for cell in notebook.cells:         # one wrong node: dbndiff forgets the branch through bndiff2
        if cell.source.startswith("def dbndiff("):
            cell.source = "def dbndiff(bndiff, bnvar_inv, dbnraw, dbndiff2):\n    return bnvar_inv * dbnraw\n"
    execute(notebook)
    outputs = dict(check_outputs(notebook))
    assert len(outputs) == 26 + 1       # a check cell per node, and the last one for everything
    ids = list(outputs)
    before, at = ids[:ids.index("check-dbndiff")], outputs["check-dbndiff"]
    for cell_id in before:
        score, possible = SCORE.search(outputs[cell_id]["text/plain"]).groups()
        assert score == possible, cell_id
        assert "the first node whose step is wrong" not in outputs[cell_id]["text/plain"], cell_id
    assert "FIRST WRONG: dbndiff is missing the contribution that flows back through bndiff2" in at["text/plain"]
    assert 'data-node="bndiff" data-status="first_wrong"' in at["text/html"]
    assert 'data-node="hprebn" data-status="missing"' in at["text/html"]      # not run yet at that cell
    last = outputs[ids[-1]]
    assert SCORE.search(last["text/plain"]).groups() == ("25", "26")
    assert 'data-node="hprebn" data-status="credited"' in last["text/html"]
