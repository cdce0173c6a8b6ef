"""One lesson source per assignment: the stub module and the notebook are generated from it and
cannot drift from it."""
from __future__ import annotations

import ast
import os
import shutil
import warnings
from pathlib import Path

import click
import nbformat
import pytest

from grader import authoring
from grader.authoring import LessonError, parse_lesson, stub_source, write_exercise_files
from grader.exercises import catalogue
ASSIGNMENTS = catalogue(Path(__file__).resolve().parents[2]).assignments

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = ROOT / "exercises"


def lesson_cells(assignment: str):
    return parse_lesson((EXERCISES / assignment / "lesson.py").read_text(encoding="utf-8"))


def regenerated(assignment: str, tmp_path: Path) -> Path:
    """A fresh exercises folder holding only the lesson, with its files generated."""
    (tmp_path / assignment).mkdir()
    shutil.copy(EXERCISES / assignment / "lesson.py", tmp_path / assignment / "lesson.py")
    write_exercise_files(assignment, tmp_path)
    return tmp_path / assignment


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
@pytest.mark.parametrize("suffix", [".py", ".ipynb"])
def test_generated_files_are_up_to_date(assignment, suffix, tmp_path):
    name = f"{assignment}{suffix}"
    fresh = (regenerated(assignment, tmp_path) / name).read_bytes()
    assert (EXERCISES / assignment / name).read_bytes() == fresh, (
        f"exercises/{assignment}/{name} is out of date with lesson.py: run `grade build-exercises {assignment}`")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_stub_module_is_the_docstring_setup_and_stub_cells(assignment):
    cells = lesson_cells(assignment)
    source = (EXERCISES / assignment / f"{assignment}.py").read_text(encoding="utf-8")
    assert source == stub_source(cells)
    module = ast.parse(source)
    first_markdown = next(c.source for c in cells if c.kind == "markdown")
    docstring = ast.get_docstring(module, clean=False).removesuffix("\n")
    assert docstring.split("\n")[1:] == first_markdown.split("\n")[1:]
    stubbed = (ast.FunctionDef, ast.ClassDef)
    functions = [ast.get_source_segment(source, node) for node in module.body if isinstance(node, stubbed)]
    assert functions == [c.source for c in cells if c.kind == "stub"]
    assert all(isinstance(node, (ast.Expr, ast.Import, ast.ImportFrom, *stubbed)) for node in module.body)
    assert "grader" not in source.split('"""')[-1]   # the stub never imports the grader


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_exercise_function_has_a_stub_cell_and_a_check_cell_after_it(assignment):
    cells = lesson_cells(assignment)
    stubs = {c.name: i for i, c in enumerate(cells) if c.kind == "stub"}
    checks = {c.name: i for i, c in enumerate(cells) if c.kind == "check"}
    for exercise in ASSIGNMENTS[assignment]:
        for function in exercise.functions:
            assert function in stubs, f"no stub cell for {function}"
            assert function in checks, f"no check cell for {function}"
            assert checks[function] > stubs[function]
    assert None in checks, "a last check cell checks everything"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_notebook_is_clean_and_deterministic(assignment):
    text = (EXERCISES / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8")
    notebook = nbformat.reads(text, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    kinds = [c.metadata.tags[0] for c in code]
    assert kinds[0] == "setup" and set(kinds) == {"setup", "stub", "check"}
    assert all(not c.metadata.editable for c in code if "check" in c.metadata.tags)
    cells = lesson_cells(assignment)
    assert [c.source for c in notebook.cells] == [c.source for c in cells]
    assert len({c.id for c in notebook.cells}) == len(notebook.cells)


def test_writing_twice_changes_nothing(tmp_path):
    folder = regenerated("layers", tmp_path)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}
    os.utime(folder / "layers.py", ns=(1, 1))
    write_exercise_files("layers", tmp_path)
    assert (folder / "layers.py").stat().st_mtime_ns == 1, "an unchanged file is not rewritten"
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {n: b for n, (b, _) in before.items()}


def test_main_builds_every_assignment_with_a_lesson(tmp_path, capsys):
    for assignment in ASSIGNMENTS:
        (tmp_path / assignment).mkdir()
        shutil.copy(EXERCISES / assignment / "lesson.py", tmp_path / assignment / "lesson.py")
    written = authoring.main(exercises_dir=tmp_path)
    assert sorted(p.name for p in written) == sorted(f"{a}{s}" for a in ASSIGNMENTS for s in (".py", ".ipynb"))
    assert "generated" in capsys.readouterr().out
    gates = authoring.main(assignment="gates", exercises_dir=tmp_path)
    assert [p.name for p in gates] == ["gates.py", "gates.ipynb"]


def test_main_without_lessons_says_where_to_run(tmp_path):
    with pytest.raises(click.ClickException, match="lesson.py"):
        authoring.main(exercises_dir=tmp_path)
    with pytest.raises(click.ClickException, match="no lesson source"):
        authoring.main(assignment="gates", exercises_dir=tmp_path)


STUB = '''def f(x):
    """Shapes: x (N,) in, (N,) out."""
    # TODO
    raise NotImplementedError("f")'''
GOOD = ("# header comment\n\n# %% [markdown]\n# # Title\n#\n# Text.\n\n"
        f"# %% [setup]\nimport numpy as np\n\n# %% [stub]\n{STUB}\n")


def test_parse_a_small_lesson():
    cells = parse_lesson(GOOD + '\n# %% [check]\nfrom grader import notebook\nnotebook.check("f");\n')
    assert [(c.kind, c.name) for c in cells] == [("markdown", None), ("setup", None), ("stub", "f"), ("check", "f")]
    assert cells[0].source == "# Title\n\nText."
    source = stub_source(cells)
    assert source == f'"""Title.\n\nText.\n"""\n\nimport numpy as np\n\n\n{STUB}\n'


def test_a_backslash_makes_a_raw_docstring():
    source = stub_source(parse_lesson(GOOD.replace("Text.", r"Text with $\frac{a}{b}$.")))
    assert source.startswith('r"""')
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compile(source, "stub.py", "exec")


@pytest.mark.parametrize("old, new, message", [
    ("# %% [setup]", "# %% [code]", r"line 8: a cell marker"),
    ("# %% [setup]", "# %%", r"line 8: a cell marker"),
    ("# Text.", "Text.", r"line 6: a markdown line"),
    ("# header comment", "x = 1", r"line 1: code before"),
    ('    raise NotImplementedError("f")', "    return x", r"line 11: f must end with raise NotImplementedError"),
    ('    raise NotImplementedError("f")', '    raise NotImplementedError("g")', r"must end with"),
    ('    """Shapes: x (N,) in, (N,) out."""\n', "", r"needs a docstring"),
    ("import numpy as np", "import numpy as", r"line 9: syntax error"),
    ("# Text.", '# Text """ here.', r'cannot contain """'),
])
def test_malformed_lessons_name_the_line(old, new, message):
    text = GOOD.replace(old, new, 1) + ""
    assert text != GOOD
    with pytest.raises(LessonError, match=message):
        stub_source(parse_lesson(text))


def test_a_stub_cell_holds_one_function():
    with pytest.raises(LessonError, match="exactly one function definition"):
        parse_lesson(GOOD + "\n\ndef g():\n    pass\n")
