"""Issue 22: a submission that makes the grader's own code fail cannot buy unlimited attempts.

Where it fails decides whose failure it is: reading the file (grader.loading.load_submission) is the file's,
a graded attempt at once; the machine, the sandbox or the course is ours, retried and never
counted; the grader's code failing after reading is retried like ours, and counts, scored 0, when
the last attempt fails too (grading is deterministic, so the submission causes it)."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import select

from server import policy
from server.extensions import db
from server.models import Assignment, Result, Submission, SubmissionStatus, User, utcnow
from server.submitting import SubmitRefused, submit
from server.uploads import Upload
from tests.server.helpers import REFERENCE, drain

GATES = (REFERENCE / "gates" / "gates.py").read_bytes()


def zipped(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


NUMBER_SOURCE = json.dumps({"cells": [{"id": "c1", "cell_type": "code", "source": 5, "metadata": {}, "outputs": [],
                                       "execution_count": None}],
                            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()
UNREADABLE = {
    "a notebook cell whose source is a number": ("hw.ipynb", NUMBER_SOURCE),
    "a zip member named with 300 characters": ("hw.zip", zipped("a" * 300 + ".py", GATES)),
}


def submit_as_student(app, world, filename: str, content: bytes):
    with app.app_context():
        student = db.session.scalar(select(User).where(User.email == world.emails["student"]))
        assignment = db.session.get(Assignment, world.assignment_id)
        return submit(db.session, app.extensions["grading_queue"], student, assignment, Upload(filename, content)).id


def attempts_used(app, world) -> int:
    with app.app_context():
        assignment = db.session.get(Assignment, world.assignment_id)
        student = db.session.scalar(select(User).where(User.email == world.emails["student"]))
        return policy.attempts_used(db.session, assignment, student.id, utcnow(), "UTC")


@pytest.mark.parametrize("case", sorted(UNREADABLE))
def test_a_file_the_reader_trips_on_is_refused_at_upload_with_nothing_spent(app, world, case):
    with pytest.raises(SubmitRefused, match="could not be read"):
        submit_as_student(app, world, *UNREADABLE[case])
    assert attempts_used(app, world) == 0


@pytest.mark.parametrize("case", sorted(UNREADABLE))
def test_a_file_the_reader_trips_on_is_a_graded_attempt_at_once(app, world, case):
    # Where the instructor turned the upload check off, the queue meets the file: counted once.
    with app.app_context():
        db.session.get(Assignment, world.assignment_id).precheck_uploads = False
        db.session.commit()
    submission_id = submit_as_student(app, world, *UNREADABLE[case])
    assert drain(app) == 1                              # not retried: reading it fails every time
    with app.app_context():
        row = db.session.get(Submission, submission_id)
        assert row.status is SubmissionStatus.GRADED and row.grading_attempts == 1
        notes = json.loads(db.session.get(Result, row.result_id).report_json)["notes"]
        assert any("could not be read" in note for note in notes), notes
        assert "/tmp" not in " ".join(notes)
    assert attempts_used(app, world) == 1


def _grader_bug(*_args, **_kwargs):
    raise KeyError("a grader bug this submission triggers")


def test_a_grader_crash_after_reading_counts_once_the_retries_crash_too(app, world, monkeypatch):
    import grader.engine
    with app.app_context():
        db.session.get(Assignment, world.assignment_id).submission_limit = 1
        db.session.commit()
    monkeypatch.setattr(grader.engine, "_grade_all", _grader_bug)
    submission_id = submit_as_student(app, world, "gates.py", GATES)
    assert drain(app) == 3                              # GRADING_MAX_ATTEMPTS tries, then it counts
    with app.app_context():
        row = db.session.get(Submission, submission_id)
        assert row.status is SubmissionStatus.GRADED and row.grading_attempts == 3 and row.error_message is None
        result = db.session.get(Result, row.result_id)
        assert result.score == 0
        notes = " ".join(json.loads(result.report_json)["notes"])
        assert "counts as one of your attempts" in notes and "KeyError" not in notes     # the error is for staff
        assert "KeyError" in row.infrastructure_error
    assert attempts_used(app, world) == 1
    with pytest.raises(SubmitRefused, match="used all your submissions"):
        submit_as_student(app, world, "gates.py", GATES)


def test_a_crash_that_passes_on_a_retry_costs_nothing_more(app, world, monkeypatch):
    import grader.engine
    real, calls = grader.engine._grade_all, []

    def crashes_once(*args, **kwargs):
        calls.append(1)
        return _grader_bug() if len(calls) == 1 else real(*args, **kwargs)
    monkeypatch.setattr(grader.engine, "_grade_all", crashes_once)
    submission_id = submit_as_student(app, world, "gates.py", GATES)
    assert drain(app) == 2
    with app.app_context():
        row = db.session.get(Submission, submission_id)
        assert row.status is SubmissionStatus.GRADED and db.session.get(Result, row.result_id).score == pytest.approx(10)
