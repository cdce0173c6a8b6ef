"""`run_batch` on a class of 50 (an LMS export zip): every student exactly once with the right
status, outputs that parse, hostile code contained, reruns that skip what is unchanged, --force and
changed submissions regraded, and a grading process that dies taking only its culprit down."""
from __future__ import annotations

import csv
import json
import shutil
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

import grading_doubles
from classroom import REFERENCE, STUB, build_class, zip_folder
from grader.batch import BatchError, run_batch

# Small timeouts keep the hostile submissions quick; correct calls take microseconds.
RUNNER = {"call_timeout": 2.0, "import_timeout": 3.0, "total_timeout": 20.0}
# allow_unsandboxed: the outcomes below do not depend on the sandbox, so they hold on any machine.
OPTIONS = {"assignment": "layers", "jobs": 2, "allow_unsandboxed": True, "runner_options": RUNNER}
GRADESCOPE_TEST_KEYS = {"name", "score", "max_score", "status", "output", "visibility"}


def read_csv(out: Path) -> list[dict]:
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class of 50, zipped as an LMS export, graded once."""
    base = tmp_path_factory.mktemp("batch")
    expected = build_class(base / "class")
    export = zip_folder(base / "class", base / "export.zip")
    seen = []
    started = time.monotonic()
    result = run_batch(source=export, out=base / "results",
                       progress=lambda row, done, total: seen.append((row.student, done, total)), **OPTIONS)
    return SimpleNamespace(expected=expected, result=result, out=base / "results", export=export,
                           seen=seen, seconds=time.monotonic() - started)


def test_every_student_is_in_grades_csv_exactly_once_with_the_right_status(graded):
    rows = read_csv(graded.out)
    assert list(rows[0]) == ["student", "score", "max_score", "percent", "status", "graded_at"]
    assert [r["student"] for r in rows] == sorted(graded.expected)
    for row in rows:
        if graded.expected[row["student"]] == "error":
            assert row["status"].startswith("error: "), row
        else:
            assert row["status"] == "graded", row
    assert [r.student for r in graded.result.rows] == [r["student"] for r in rows]
    assert not graded.result.all_graded


@pytest.mark.parametrize("outcome", ["full", "zero", "partial", "error"])
def test_scores_are_what_each_submission_deserves(graded, outcome):
    rows = [r for r in read_csv(graded.out) if graded.expected[r["student"]] == outcome]
    assert rows
    for row in rows:
        if outcome == "error":
            assert (row["score"], row["max_score"], row["percent"]) == ("", "", ""), row
            continue
        score, possible = float(row["score"]), float(row["max_score"])
        assert possible == 80.5, row
        if outcome == "full":
            assert score == possible and row["percent"] == "100", row
        elif outcome == "zero":
            assert score == 0 and row["percent"] == "0", row
        else:
            assert 0 < score < possible, row


def test_errors_say_why_in_words(graded):
    status = {r["student"]: r["status"] for r in read_csv(graded.out)}
    assert "syntax error" in status["syntax_colon"]
    assert "syntax error" in status["syntax_return_outside"]
    assert "expected a Python file" in status["essay"]
    assert "holds no .py" in status["empty_folder"] and "holds no .py" in status["only_text"]
    assert "holds no .py or .ipynb file" in status["zipped_readme_only"]


def test_every_report_and_gradescope_result_exists_and_parses(graded):
    for student, outcome in graded.expected.items():
        report = load(graded.out / "reports" / f"{student}.json")
        results = load(graded.out / "gradescope" / student / "results.json")
        assert report["student"] == student
        assert len(report["submission_sha256"]) == 64
        assert report["options"] == {"assignment": "layers", "public_only": False, "allow_unsandboxed": True}
        if outcome == "error":
            assert report["status"].startswith("error: ") and report["error"]
            assert results["score"] == 0 and results["tests"] == []
            assert report["error"] in results["output"]
            continue
        assert report["status"] == "graded"
        assert report["score"] == pytest.approx(sum(t["score"] for t in report["tests"]))
        assert {t["function"] for t in report["tests"]} >= {"affine_forward", "batchnorm_backward"}
        assert results["score"] == report["score"]
        assert len(results["tests"]) == len(report["tests"])
        for test in results["tests"]:
            assert set(test) == GRADESCOPE_TEST_KEYS
            assert test["visibility"] in {"visible", "after_published"}


def test_hostile_submissions_are_contained_and_explained(graded):
    def tests(student):
        return load(graded.out / "reports" / f"{student}.json")["tests"]

    assert {t["status"] for t in tests("hostile_import_loop")} == {"timeout"}
    assert {t["status"] for t in tests("hostile_import_exit")} == {"error"}
    assert "os._exit" in tests("hostile_import_exit")[0]["output"]
    assert "MemoryError" in tests("hostile_memory_bomb")[0]["output"]
    relu = [t for t in tests("hostile_exit_in_relu") if t["function"] == "relu_backward"]
    assert relu and all(t["status"] != "passed" for t in relu)
    sigmoid = [t for t in tests("hostile_loop_in_sigmoid") if t["function"] == "sigmoid_forward"]
    assert "timeout" in {t["status"] for t in sigmoid}
    others = [t for t in tests("hostile_loop_in_sigmoid") if t["function"] == "affine_forward"]
    assert {t["status"] for t in others} == {"passed"}


def test_a_submission_sees_none_of_the_other_students_files(graded):
    """Each student is graded from a private copy: a worker can read its own folder, never the class's."""
    report = load(graded.out / "reports" / "snoop.json")
    assert report["score"] == report["max_score"]
    assert report["student_output"].strip() == "['snoop.py']"


def test_notebooks_zips_and_folders_are_graded_from_the_right_file(graded):
    notes = {s: " ".join(load(graded.out / "reports" / f"{s}.json")["notes"]) for s in ("roe_jane", "zipped_a")}
    assert "graded layers.py" in notes["roe_jane"]
    assert "graded layers.py" in notes["zipped_a"]
    assert load(graded.out / "reports" / "kim_lee.json")["submission"] == "kim_lee"


def test_progress_reports_every_student_once(graded):
    assert sorted(s for s, _, _ in graded.seen) == sorted(graded.expected)
    assert [done for _, done, _ in graded.seen] == list(range(1, 51))
    assert {total for _, _, total in graded.seen} == {50}


def test_rerun_skips_unchanged_students_and_retries_errors(graded, tmp_path):
    out = tmp_path / "results"
    shutil.copytree(graded.out, out)
    reports = {p.name: p.stat().st_mtime_ns for p in (out / "reports").iterdir()}
    started = time.monotonic()
    result = run_batch(source=graded.export, out=out, **OPTIONS)
    seconds = time.monotonic() - started
    reused = {row.student for row in result.rows if row.reused}
    assert reused == {s for s, outcome in graded.expected.items() if outcome != "error"}
    assert seconds < graded.seconds / 2, (seconds, graded.seconds)
    for student in reused:
        assert (out / "reports" / f"{student}.json").stat().st_mtime_ns == reports[f"{student}.json"]
    before = {r["student"]: r for r in read_csv(graded.out)}
    after = {r["student"]: r for r in read_csv(out)}
    assert {s: (r["score"], r["status"]) for s, r in after.items()} == \
           {s: (r["score"], r["status"]) for s, r in before.items()}


# ---------------------------------------------------------------------------------------------
# Small batches: --force, changed submissions, crashes


@pytest.fixture
def trio(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "ann.py").write_text(REFERENCE)
    (folder / "ben.py").write_text(STUB)
    (folder / "cy.py").write_text("def relu_forward(x)\n")
    return folder


def by_student(result) -> dict:
    return {row.student: row for row in result.rows}


def test_force_regrades_everyone_and_a_changed_submission_is_regraded(trio, tmp_path):
    out = tmp_path / "results"
    first = by_student(run_batch(source=trio, out=out, **OPTIONS))
    assert {s: r.status for s, r in first.items()} == {"ann": "graded", "ben": "graded",
                                                      "cy": first["cy"].status}
    assert first["cy"].status.startswith("error: ")

    again = by_student(run_batch(source=trio, out=out, **OPTIONS))
    assert {s for s, r in again.items() if r.reused} == {"ann", "ben"}

    forced = by_student(run_batch(source=trio, out=out, force=True, **OPTIONS))
    assert not any(r.reused for r in forced.values())
    assert forced["ann"].score == forced["ann"].max_score

    (trio / "ben.py").write_text(REFERENCE)      # ben finishes the assignment and resubmits
    changed = by_student(run_batch(source=trio, out=out, **OPTIONS))
    assert changed["ann"].reused and not changed["ben"].reused
    assert changed["ben"].score == changed["ben"].max_score
    assert load(out / "reports" / "ben.json")["score"] == changed["ben"].max_score


def test_other_options_are_a_reason_to_regrade(trio, tmp_path):
    out = tmp_path / "results"
    run_batch(source=trio, out=out, **OPTIONS)
    public = by_student(run_batch(source=trio, out=out, public_only=True, **OPTIONS))
    assert not public["ann"].reused
    assert {t["visibility"] for t in load(out / "reports" / "ann.json")["tests"]} == {"visible"}


def test_a_crashed_grading_process_costs_only_its_own_submission(tmp_path, monkeypatch):
    (tmp_path / "tmp").mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))   # what the dead process leaves behind
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("a", "b", "d", "e"):
        (folder / f"{name}.py").write_text(REFERENCE)
    (folder / "c.py").write_text(REFERENCE + "\n" + grading_doubles.CRASH_MARK + "\n")
    result = run_batch(source=folder, out=tmp_path / "results", grade_fn=grading_doubles.grade_or_crash, **OPTIONS)
    rows = by_student(result)
    assert sorted(rows) == ["a", "b", "c", "d", "e"]
    assert rows["c"].status.startswith("error: the grading process crashed")
    assert all(rows[s].status == "graded" and rows[s].score == rows[s].max_score for s in "abde")
    assert [r["student"] for r in read_csv(tmp_path / "results")] == ["a", "b", "c", "d", "e"]


def test_a_grader_bug_is_an_error_row_not_an_exception(trio, tmp_path):
    result = run_batch(source=trio, out=tmp_path / "results", grade_fn=grading_doubles.grade_raising, **OPTIONS)
    assert [row.status for row in result.rows] == [
        "error: the grader failed on this submission (RuntimeError: a bug in the grader); "
        "grade it alone with `grade check` and report the problem"] * 3


@pytest.mark.parametrize("make_source, message", [
    (lambda tmp: tmp / "missing", "no such file or folder"),
    (lambda tmp: (tmp / "one.py").write_text("x = 1") and tmp / "one.py", "grades one file"),
    (lambda tmp: (tmp / "bad.zip").write_bytes(b"not a zip") and tmp / "bad.zip", "not a readable zip"),
])
def test_a_batch_that_cannot_run_raises_batch_error(tmp_path, make_source, message):
    with pytest.raises(BatchError, match=message):
        run_batch(source=make_source(tmp_path), out=tmp_path / "results", **OPTIONS)


def test_bad_options_raise_batch_error(trio, tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(BatchError, match="is a file"):
        run_batch(source=trio, out=tmp_path / "file", **OPTIONS)
    with pytest.raises(BatchError, match="unknown assignment"):
        run_batch(source=trio, out=tmp_path / "r", **{**OPTIONS, "assignment": "nope"})
    with pytest.raises(BatchError, match="at least 1"):
        run_batch(source=trio, out=tmp_path / "r", **{**OPTIONS, "jobs": 0})
