"""The generated notebooks run in a real Jupyter kernel: their check cells grade what the student ran."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
from nbclient import NotebookClient  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENTS = ("gates", "layers")
SCORE = re.compile(r"Score: (\S+) / (\S+)")


def load(assignment: str):
    return nbformat.read(ROOT / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)


def execute(notebook) -> None:
    """Run every cell in a fresh python3 kernel (from the checkout, so `grader` imports); raises on any error."""
    NotebookClient(notebook, kernel_name="python3", timeout=120,
                   resources={"metadata": {"path": str(ROOT)}}).execute()


def check_outputs(notebook) -> list[tuple[str, dict]]:
    """(cell id, the one output) of every check cell; a check cell shows exactly one report."""
    found = []
    for cell in notebook.cells:
        if "check" in cell.metadata.get("tags", []):
            assert len(cell.outputs) == 1, (cell.id, cell.outputs)
            output = cell.outputs[0]
            assert output.output_type == "display_data", (cell.id, output)
            assert {"text/html", "text/plain"} <= set(output.data)
            found.append((cell.id, output.data))
    return found


def with_reference_solutions(notebook, assignment: str):
    """The notebook with each stub cell replaced by the reference's function of the same name."""
    source = (ROOT / "reference" / assignment / f"{assignment}.py").read_text()
    functions = {node.name: ast.get_source_segment(source, node)
                 for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)}
    for cell in notebook.cells:
        if "stub" in cell.metadata.get("tags", []):
            name = ast.parse(cell.source).body[0].name
            cell.source = functions[name]
    return notebook


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_unfinished_notebook_runs_and_says_not_implemented(assignment):
    notebook = load(assignment)
    execute(notebook)
    outputs = check_outputs(notebook)
    assert len(outputs) == sum(len(ex.functions) for ex in _exercises(assignment)) + 1
    for cell_id, data in outputs:
        assert "not implemented" in data["text/plain"], cell_id
        assert "not implemented" in data["text/html"], cell_id
        score, possible = SCORE.search(data["text/plain"]).groups()
        assert float(score) == 0 and float(possible) > 0, cell_id


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_notebook_with_the_reference_gets_full_marks_in_every_check_cell(assignment):
    notebook = with_reference_solutions(load(assignment), assignment)
    execute(notebook)
    outputs = check_outputs(notebook)
    for cell_id, data in outputs:
        score, possible = SCORE.search(data["text/plain"]).groups()
        assert score == possible and float(possible) > 0, (cell_id, data["text/plain"])
        assert "✗" not in data["text/html"], cell_id
    last_score = SCORE.search(outputs[-1][1]["text/plain"]).group(1)
    assert last_score == f"{sum(_max_scores(assignment)):g}", "the last check cell grades the whole assignment"


def _exercises(assignment: str):
    from grader.exercises import catalogue
    ALL = catalogue(Path(__file__).resolve().parents[2]).assignments
    return ALL[assignment]


def _max_scores(assignment: str):
    from grader.checks import checks_for
    return [spec.weight for ex in _exercises(assignment) for spec in checks_for(ex)]
