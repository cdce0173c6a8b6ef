"""`grade release`: the student bundle runs the public checks exactly as the instructor's grader
does, and provably holds no reference solution and no hidden-case generator."""
from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from grader.engine import grade
from grader.exercises import catalogue
from grader.release import build_release

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"
SAMPLES = {
    "layers": ["correct/layers_loops.py", "buggy/layers_affine_db_axis1.py", "buggy/layers_softmax_no_max_subtraction.py",
               "buggy/layers_batchnorm_running_not_stored.py", "buggy/layers_relu_backward_ignores_dout.py",
               "buggy/layers_sigmoid_backward_dout_times_s.py", "buggy/layers_stub.py"],
    "gates": ["correct/gates_loops_split_ties.py", "buggy/gates_unbroadcast_mean.py", "buggy/gates_max_double_count_ties.py",
              "buggy/gates_mul_backward_swapped.py"],
}


@pytest.fixture(scope="module", params=sorted(SAMPLES))
def bundle(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"release-{request.param}")
    build_release(request.param, out)
    return request.param, out


def bundle_grade(bundle_dir: Path, submission: Path, *extra: str) -> dict:
    """Grade with the bundle's own grader, in a fresh interpreter that sees only the bundle."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(bundle_dir)
    result = subprocess.run([sys.executable, "-c", "from grader.cli import main; main()", "check", str(submission),
                             "--format", "json", *extra], capture_output=True, text=True, env=env,
                            cwd=bundle_dir, timeout=120)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def comparable(report: dict) -> list[tuple]:
    return [(t["name"], t["status"], t["score"], t["output"], t["hint"]) for t in report["tests"]]


def test_the_bundle_has_what_students_need(bundle):
    assignment, out = bundle
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    for needed in (f"exercises/{assignment}/{assignment}.py", f"exercises/{assignment}/public_cases.json",
                   f"exercises/{assignment}/public_answers.npz", "grader/cli.py", "pyproject.toml", "README.md"):
        assert needed in names
    stub = (out / "exercises" / assignment / f"{assignment}.py").read_text()
    assert stub == (ROOT / "exercises" / assignment / f"{assignment}.py").read_text()


def test_the_bundle_holds_no_reference_and_no_hidden_case_generator(bundle):
    assignment, out = bundle
    files = [p for p in out.rglob("*") if p.is_file()]
    assert not any("reference" in p.relative_to(out).parts for p in files)
    assert not any(p.name == "hidden.py" for p in files)                      # the hidden declaration
    sources = "\n".join(p.read_text() for p in files if p.suffix in (".py", ".ipynb", ".json", ".md", ".toml"))
    assert not re.search(r"^HIDDEN\b[^\n]*=", sources, re.MULTILINE)        # its hidden shapes and mistakes
    # No declared mistake's hint is in any text file (its values on the public cases are recorded
    # answers in the npz; the code computing them stays with the instructor).
    public = (ROOT / "exercises" / assignment / "assignment.py").read_text()   # its state diagnosis shares some
    hints = {m.hint for exercise in catalogue(ROOT)[assignment] if exercise.hidden for m in exercise.hidden.mistakes
             if m.hint not in public}
    assert hints and not [hint for hint in hints if hint in sources]
    # No reference function body appears anywhere, in any formatting.
    reference = ast.parse((ROOT / "reference" / assignment / f"{assignment}.py").read_text())
    bundle_bodies = {ast.dump(node.body[-1]) for p in files if p.suffix == ".py"
                     for node in ast.walk(ast.parse(p.read_text())) if isinstance(node, ast.FunctionDef)}
    for function in (n for n in reference.body if isinstance(n, ast.FunctionDef)):
        body = [s for s in function.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        assert ast.dump(body[-1]) not in bundle_bodies or len(body) == 1 and isinstance(body[0], ast.Return) \
            and isinstance(body[0].value, ast.Name), f"{function.name}'s code is in the bundle"


def test_the_bundle_grades_public_checks_exactly_like_the_instructor(bundle):
    assignment, out = bundle
    for sample in SAMPLES[assignment]:
        path = CORPUS / sample
        ours = grade(path, assignment=assignment, public_only=True).to_dict()
        theirs = bundle_grade(out, path, "--assignment", assignment)
        assert comparable(theirs) == comparable(ours), sample
        assert all(t["visibility"] == "visible" for t in theirs["tests"])
        assert any("public checks only" in note for note in theirs["notes"])
