"""Uploads: what is not a submission is refused and nothing is stored; what is a submission but
cannot be graded is stored, counts as an attempt, and its report says why."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from server import policy
from server.extensions import db
from server.models import Assignment, Result, Submission, SubmissionStatus, utcnow
from server.uploads import MAX_RATIO, UploadRefused, accept
from tests.server.helpers import REFERENCE, drain, upload

LIMIT = 64 * 1024
GATES = (REFERENCE / "gates" / "gates.py").read_bytes()


def zipped(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def encrypted(archive: bytes) -> bytes:
    """The archive with its members' 'encrypted' flag set (Python's zipfile cannot encrypt)."""
    data = bytearray(archive)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at != -1:
            data[at + offset] |= 0x1
            at = data.find(signature, at + 4)
    return bytes(data)


NOTEBOOK = json.dumps({"cells": [{"cell_type": "code", "source": "def add_forward(a, b):\n    return a + b",
                                  "metadata": {}, "outputs": [], "execution_count": None}], "metadata": {}, "nbformat": 4,
                       "nbformat_minor": 5}).encode()

REFUSED = {
    "wrong suffix": ("notes.txt", GATES, "is not a .py, .ipynb or .zip file"),
    "no suffix": ("gates", GATES, "is not a .py, .ipynb or .zip file"),
    "no name": ("", GATES, "No file was chosen"),
    "empty": ("gates.py", b"", "is empty"),
    "too large": ("gates.py", b"x = 1\n" * (LIMIT // 6 + 1), "the limit is 64 KB"),
    "binary .py": ("gates.py", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "holds binary data"),
    "not UTF-8": ("gates.py", "x = 'café'\n".encode("latin-1"), "is not UTF-8"),
    "notebook not JSON": ("hw.ipynb", b"print('hello')\n", "is not a Jupyter notebook"),
    "zip bomb": ("hw.zip", zipped({"gates.py": b"x = 1\n", "data.py": b"0" * (MAX_RATIO * 4096)}),
                 "inflates 200-fold"),
    "zip without sources": ("hw.zip", zipped({"README.txt": b"hello", "img/": b""}), "holds no .py or .ipynb"),
    "damaged zip": ("hw.zip", b"PK\x03\x04" + b"\x00garbage" * 20, "damaged zip archive"),
    "not a zip": ("hw.zip", b"just text", "is not a zip archive"),
    "encrypted member": ("hw.zip", encrypted(zipped({"gates.py": GATES})), "is encrypted"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_what_is_not_a_submission_is_refused_with_the_reason(case):
    filename, content, reason = REFUSED[case]
    with pytest.raises(UploadRefused, match=reason):
        accept(filename, content, LIMIT)


ACCEPTED = {
    "python": ("gates.py", GATES),
    "python with a BOM": ("gates.py", b"\xef\xbb\xbf" + GATES),
    "notebook": ("hw.ipynb", NOTEBOOK),
    "broken notebook that looks like one": ("hw.ipynb", b'{"cells": ['),
    "syntax error": ("gates.py", b"def add_forward(x, y:\n"),
    "zip of code": ("hw.zip", zipped({"hw/gates.py": GATES, "hw/notes.md": b"# notes"})),
    "path in the name": ("C:\\Users\\ana\\gates.py", GATES),
}


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_what_is_a_submission_is_accepted_byte_for_byte(case):
    filename, content = ACCEPTED[case]
    received = accept(filename, content, LIMIT)
    assert received.content == content
    assert "/" not in received.filename and "\\" not in received.filename


def count(app, model=Submission) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_refused_upload_stores_nothing_and_says_why(app, client, auth, world):
    auth.login(world.emails["student"])
    response = upload(client, world.assignment_id, "gates.png", b"\x89PNG")
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert b"gates.png is not a .py, .ipynb or .zip file" in page.data
    assert count(app) == 0


@pytest.fixture
def small_uploads(app_config):
    app_config["MAX_CONTENT_LENGTH"] = 8 * 1024


def test_a_file_over_the_request_limit_gets_the_413_page(small_uploads, app, client, auth, world):
    auth.login(world.emails["student"])
    response = upload(client, world.assignment_id, "gates.py", b"# padding\n" * 2000)
    assert response.status_code == 413
    assert b"File too large" in response.data and b"nothing was stored" in response.data
    assert b"Traceback" not in response.data
    assert count(app) == 0


@pytest.mark.parametrize("filename,content,why", [
    ("gates.py", b"def add_forward(x, y:\n    return x + y\n", b"syntax error"),
    ("hw.ipynb", b'{"cells": [ {"cell_type": "code", ', b"is not a valid Jupyter notebook"),
    ("gates.py", b"def add_forward(x, y):\n    print x, y\n    return x + y\n", b"is Python 2 source"),
])
def test_a_file_that_cannot_be_graded_is_refused_at_upload_with_nothing_spent(app, client, auth, world,
                                                                             filename, content, why):
    auth.login(world.emails["student"])
    response = upload(client, world.assignment_id, filename, content)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/assignments/{world.assignment_id}")
    page = client.get(response.headers["Location"])
    assert why in page.data and b"no attempt was used" in page.data
    assert count(app) == 0 and drain(app) == 0


@pytest.mark.parametrize("filename,content,why", [
    ("gates.py", b"def add_forward(x, y:\n    return x + y\n", b"syntax error"),
    ("hw.ipynb", b'{"cells": [ {"cell_type": "code", ', b"is not a valid Jupyter notebook"),
    ("gates.py", b"def add_forward(x, y):\n    print x, y\n    return x + y\n", b"is Python 2 source"),
])
def test_with_the_precheck_off_it_is_stored_counted_and_explained(app, client, auth, world, filename, content, why):
    with app.app_context():
        db.session.get(Assignment, world.assignment_id).precheck_uploads = False
        db.session.commit()
    auth.login(world.emails["student"])
    response = upload(client, world.assignment_id, filename, content)
    assert response.status_code == 303 and "/submissions/" in response.headers["Location"]
    assert drain(app) == 1
    with app.app_context():
        row = db.session.scalar(select(Submission))
        assert row.status is SubmissionStatus.GRADED and row.content == content
        assert row.result.score == 0
        assignment = db.session.get(Assignment, world.assignment_id)
        assert policy.attempts_used(db.session, assignment, row.user_id, utcnow(), "UTC") == 1
    page = client.get(response.headers["Location"])
    assert why in page.data and b"could not be graded" in page.data
    assert count(app, Result) == 1
