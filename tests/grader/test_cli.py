"""`grade check`: exit codes, the JSON and Gradescope schemas, options, and usage errors."""
import functools
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.exercises import catalogue
ASSIGNMENTS = catalogue(Path(__file__).resolve().parents[2]).assignments

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = {name: ROOT / f"reference/{name}/{name}.py" for name in ASSIGNMENTS}
STUBS = {name: ROOT / f"exercises/{name}/{name}.py" for name in ASSIGNMENTS}
FUNCTIONS = {name: {f for ex in exercises for f in ex.functions} for name, exercises in ASSIGNMENTS.items()}

REPORT_KEYS = {"score", "max_score", "seed", "notes", "student_output", "tests"}
TEST_KEYS = {"name", "function", "check", "status", "score", "max_score", "visibility", "output", "hint",
             "mistake", "measures", "wrong_gradients"}
STATUSES = {"passed", "failed", "error", "timeout", "missing", "skipped"}
GRADESCOPE_TEST_KEYS = {"name", "score", "max_score", "status", "output", "visibility"}


def check(*args: str):
    """`grade check ARGS` in this process; returns click's Result."""
    return CliRunner().invoke(main, ["check", *map(str, args)])


@functools.lru_cache(maxsize=None)
def check_json(path: str, *args: str) -> tuple[int, dict, str]:
    """(exit code, parsed JSON report, raw stdout) of `grade check PATH --format json ARGS`, cached."""
    result = check(path, "--format", "json", *args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, json.loads(result.stdout), result.stdout


GRAPH_KEYS = {"exercise", "title", "visibility", "first_wrong", "nodes"}
NODE_KEYS = {"name", "gradient", "shape", "reads", "status", "says"}


def assert_report_schema(report: dict) -> None:
    assert set(report) - {"graphs"} == REPORT_KEYS      # graphs: a staged graph's report only
    for graph in report.get("graphs", []):
        assert set(graph) == GRAPH_KEYS
        assert graph["first_wrong"] is None or type(graph["first_wrong"]) is str
        assert all(set(node) == NODE_KEYS and all(type(s) is int for s in node["shape"]) for node in graph["nodes"])
    assert _is_number(report["score"]) and _is_number(report["max_score"])
    assert report["seed"] is None or type(report["seed"]) is int
    assert type(report["notes"]) is list and all(type(n) is str for n in report["notes"])
    assert type(report["student_output"]) is str
    assert type(report["tests"]) is list and report["tests"]
    for test in report["tests"]:
        assert set(test) == TEST_KEYS, test
        for key in ("name", "function", "check", "output"):
            assert type(test[key]) is str, (key, test)
        assert test["status"] in STATUSES
        assert test["mistake"] is None or type(test["mistake"]) is str
        assert type(test["measures"]) is dict and all(_is_number(v) for v in test["measures"].values())
        assert type(test["wrong_gradients"]) is list and all(type(g) is str for g in test["wrong_gradients"])
        assert not test["wrong_gradients"] or test["status"] == "failed"
        assert test["visibility"] in {"visible", "hidden"}
        assert test["hint"] is None or type(test["hint"]) is str
        assert _is_number(test["score"]) and _is_number(test["max_score"])
        assert 0 <= test["score"] <= test["max_score"]
        assert test["score"] == (test["max_score"] if test["status"] == "passed" else 0)
        where = "public" if test["visibility"] == "visible" else "hidden"
        assert test["name"] == f"{test['function']}: {test['check']} ({where})"
    assert report["score"] == pytest.approx(sum(t["score"] for t in report["tests"]))
    assert report["max_score"] == pytest.approx(sum(t["max_score"] for t in report["tests"]))


def _is_number(value) -> bool:
    return type(value) in (int, float)


def only(source: Path, *functions: str) -> str:
    """The module header of a reference file plus just the named top-level functions."""
    text = source.read_text()
    header = text[:text.index("\ndef ")]
    blocks = text.split("\ndef ")[1:]
    kept = [b for b in blocks if b.split("(", 1)[0] in functions]
    assert len(kept) == len(functions)
    return header + "".join("\ndef " + b for b in kept)


# ---------------------------------------------------------------------------------------------
# Reference and stubs


@pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS))
def test_reference_scores_full_marks(assignment):
    code, report, _ = check_json(str(REFERENCE[assignment]))
    assert code == 0
    assert_report_schema(report)
    assert report["score"] == report["max_score"] > 0
    assert {t["status"] for t in report["tests"]} == {"passed"}
    assert {t["function"] for t in report["tests"]} == FUNCTIONS[assignment]
    assert {t["visibility"] for t in report["tests"]} == {"visible", "hidden"}
    assert report["student_output"] == ""


@pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS))
def test_reference_text_report_exits_0_with_full_marks(assignment):
    result = check(REFERENCE[assignment])
    assert result.exit_code == 0, result.output
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("Score: ")
    score, possible = summary.split()[1], summary.split()[3]
    assert score == possible and float(score) > 0


@pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS))
def test_stub_is_not_implemented_everywhere_and_scores_0(assignment):
    code, report, _ = check_json(str(STUBS[assignment]))
    assert code == 1
    assert_report_schema(report)
    assert report["score"] == 0 and report["max_score"] > 0
    assert {t["function"] for t in report["tests"]} == FUNCTIONS[assignment]
    for test in report["tests"]:
        assert test["status"] == "missing"
        assert "not implemented" in test["output"]
        assert test["function"] in test["output"]


@pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS))
def test_stub_text_report_says_not_implemented_for_every_function(assignment):
    result = check(STUBS[assignment])
    assert result.exit_code == 1
    for function in FUNCTIONS[assignment]:
        assert f"{function} is not implemented" in result.stdout
    assert "Score: 0 / " in result.stdout


# ---------------------------------------------------------------------------------------------
# Formats and options


@pytest.mark.parametrize("path", [REFERENCE["gates"], STUBS["layers"]], ids=["reference gates", "layers stub"])
def test_gradescope_format_has_gradescopes_keys(path):
    seed = "4242"
    result = check(path, "--format", "gradescope", "--seed", seed)
    assert result.exit_code in (0, 1)
    results = json.loads(result.stdout)
    _, report, _ = check_json(str(path), "--seed", seed)
    assert {"score", "tests"} <= set(results)
    assert results["score"] == report["score"]
    assert len(results["tests"]) == len(report["tests"])
    for test, ours in zip(results["tests"], report["tests"]):
        assert set(test) == GRADESCOPE_TEST_KEYS
        assert test["name"] == ours["name"]
        assert (test["score"], test["max_score"]) == (ours["score"], ours["max_score"])
        assert test["status"] == ("passed" if ours["status"] == "passed" else "failed")
        assert test["visibility"] == {"visible": "visible", "hidden": "after_published"}[ours["visibility"]]
        assert type(test["output"]) is str
        assert ours["output"] in test["output"]
        if ours["hint"]:
            assert ours["hint"] in test["output"]


@pytest.mark.parametrize("path", [REFERENCE["gates"], STUBS["layers"]], ids=["reference gates", "layers stub"])
def test_public_runs_only_visible_tests(path):
    _, full, _ = check_json(str(path))
    code, public, _ = check_json(str(path), "--public")
    assert code == (0 if path == REFERENCE["gates"] else 1)
    assert_report_schema(public)
    assert {t["visibility"] for t in public["tests"]} == {"visible"}
    assert len(public["tests"]) < len(full["tests"])
    assert [t["name"] for t in public["tests"]] == [t["name"] for t in full["tests"] if t["visibility"] == "visible"]
    assert public["seed"] is None


def test_seed_replays_identical_json():
    path = str(REFERENCE["layers"])
    _, default, _ = check_json(path)
    first = check(path, "--format", "json", "--seed", "12345")
    second = check(path, "--format", "json", "--seed", "12345")
    assert first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout
    assert json.loads(first.stdout)["seed"] == 12345
    other = check(path, "--format", "json", "--seed", "12346")
    assert json.loads(other.stdout)["seed"] == 12346
    # The default seed is printed, and passing it back replays the default run exactly.
    replay = check(path, "--format", "json", "--seed", str(default["seed"]))
    assert json.loads(replay.stdout) == default


def test_default_seed_is_stable_for_the_same_file():
    path = str(STUBS["gates"])
    first = check(path, "--format", "json")
    assert first.stdout == check_json(path)[2]
    assert type(json.loads(first.stdout)["seed"]) is int


def test_assignment_reports_undefined_functions_as_missing(write):
    path = write(only(REFERENCE["layers"], "relu_forward", "relu_backward"), name="partial.py")
    code, report, _ = check_json(str(path), "--assignment", "layers")
    assert code == 1
    assert_report_schema(report)
    assert {t["function"] for t in report["tests"]} == FUNCTIONS["layers"]
    for test in report["tests"]:
        if test["function"] in ("relu_forward", "relu_backward"):
            assert test["status"] == "passed"
        else:
            assert test["status"] == "missing"
            assert f"{test['function']} is not defined" in test["output"]


def test_without_assignment_only_defined_functions_are_graded(write):
    path = write(only(REFERENCE["layers"], "relu_forward", "relu_backward"), name="partial.py")
    code, report, _ = check_json(str(path))
    assert code == 0
    assert {t["function"] for t in report["tests"]} == {"relu_forward", "relu_backward"}
    assert report["score"] == report["max_score"] > 0


def test_student_prints_appear_in_the_report_not_in_the_json_stream(write):
    source = only(REFERENCE["layers"], "relu_forward", "relu_backward")
    path = write(source + '\nprint("hello from the student")\nprint(\'{"score": 1000}\')\n', name="loud.py")
    code, report, _ = check_json(str(path), "--public")
    assert code == 0
    assert "hello from the student" in report["student_output"]
    assert report["score"] == report["max_score"]


# ---------------------------------------------------------------------------------------------
# Usage errors: exit 2 with a message a student can act on


def assert_usage_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    message = result.output   # click prints usage errors to stderr; output holds both streams
    assert message.startswith("Error: ")
    for fragment in fragments:
        assert fragment in message, message


def test_missing_file(tmp_path):
    assert_usage_error(check(tmp_path / "nowhere.py"), "nowhere.py", "no such file")


@pytest.mark.parametrize("source, line", [
    ("import numpy as np\n\ndef add_forward(a, b):\n    return a + b,\n  x = 1\n", 5),
    ("import numpy as np\n\ndef add_forward(a, b:\n    return a + b, None\n", 3),
    ("import numpy as np\n\ndef add_forward(a, b):\n    out = a + b\nreturn out, None\n", 5),
], ids=["bad indent", "unclosed paren", "return outside function"])
def test_syntax_error_names_the_line(write, source, line):
    path = write(source, name="typo.py")
    assert_usage_error(check(path), "typo.py", f"line {line}", "syntax error")


def test_text_file_is_refused(write):
    path = write("def add_forward(a, b):\n    return a + b, None\n", name="gates.txt")
    assert_usage_error(check(path), "gates.txt", ".py")


def test_file_defining_no_exercise_functions(write):
    path = write("import numpy as np\n\ndef my_helper(x):\n    return x\n", name="empty.py")
    assert_usage_error(check(path), "defines none of the exercise functions", "--assignment")


def test_folder_is_refused(tmp_path):
    result = check(tmp_path)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_unknown_assignment_is_a_usage_error():
    result = check(REFERENCE["gates"], "--assignment", "convolutions")
    assert result.exit_code == 2
    assert "convolutions" in result.output and "gates" in result.output


# ---------------------------------------------------------------------------------------------
# The installed console script


def grade_script() -> str:
    beside_python = Path(sys.executable).with_name("grade")
    found = str(beside_python) if beside_python.exists() else shutil.which("grade")
    assert found, "the `grade` console script is not installed: pip install -e ."
    return found


def test_grade_console_script_runs_in_a_real_process(tmp_path):
    completed = subprocess.run(
        [grade_script(), "check", str(REFERENCE["gates"]), "--public", "--format", "json"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert_report_schema(report)
    assert report["score"] == report["max_score"] > 0
    assert report == check_json(str(REFERENCE["gates"]), "--public")[1]


def test_importing_the_command_imports_neither_numpy_nor_nbformat_nor_urllib():
    """`grade check` starts its zygote before the grader imports numpy, so that the two start-ups
    overlap; nbformat and urllib.request are for the notebooks and HTTP requests that need them."""
    code = ("import sys, grader.cli\n"
            "print(sorted(m for m in ('numpy', 'nbformat', 'urllib.request') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]", done.stdout


class _UnloadableEntryPoint:
    """An entry point of the `grade.commands` group whose module cannot be imported here, as the
    web server's commands in a student's release (which has no server/)."""
    name = "serve"

    def load(self):
        raise ModuleNotFoundError("No module named 'server'", name="server")


def test_a_command_that_cannot_load_is_listed_and_refused_only_when_run(monkeypatch):
    from grader.cli import CommandsWithPlugins
    monkeypatch.setattr(CommandsWithPlugins, "_plugins", lambda self: {"serve": _UnloadableEntryPoint()})
    listing = CliRunner().invoke(main, ["--help"])
    assert listing.exit_code == 0, listing.output
    assert "check" in listing.output and "serve" in listing.output and "needs the web server" in listing.output
    run = CliRunner().invoke(main, ["serve", "--port", "8000"])
    assert run.exit_code == 1
    assert "`grade serve` needs the web server's packages (server is missing)" in run.output
