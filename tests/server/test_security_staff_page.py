"""Issue 22, the staff submission page: no upload stalls it, and whatever was uploaded renders
(as the page of that attempt, and in the diff of the student's next one)."""
from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest

from server.extensions import db
from server.models import Submission, SubmissionStatus
from tests.server.helpers import PASSWORD


def stored(world, content: bytes, filename: str, attempt: int) -> int:
    """A submission row as an upload would leave it (written directly: some of these bytes are what
    upload checks refuse today, and rows stored before a check existed stay)."""
    from server.accounts import user_by_email
    student = user_by_email(db.session, world.emails["student"])
    row = Submission(assignment_id=world.assignment_id, user_id=student.id, attempt=attempt, filename=filename,
                     content=content, sha256=hashlib.sha256(content).hexdigest(), size=len(content),
                     status=SubmissionStatus.QUEUED)
    db.session.add(row)
    db.session.commit()
    return row.id


def staff_client(app, world):
    client = app.test_client()
    assert client.post("/login", data={"email": world.emails["ta"], "password": PASSWORD}).status_code == 302
    return client


def zipped(members: dict[str, bytes], encrypt: set[str] = frozenset()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    raw = bytearray(buffer.getvalue())
    for name in encrypt:        # set the 'encrypted' flag bit of the member's local and central headers
        for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            at = raw.find(signature + b"", 0)
            while at != -1:
                name_at = at + (30 if signature == b"PK\x03\x04" else 46)
                if raw[name_at:name_at + len(name)] == name.encode():
                    raw[at + offset] |= 1
                at = raw.find(signature, at + 4)
    return bytes(raw)


def big_python(seed: int) -> bytes:
    lines = [f"def f_{seed}_{i}(x):\n    return x * {i} + {seed}  # {'padding ' * 4}\n" for i in range(3000)]
    return "".join(lines).encode()


def test_a_zip_of_fifty_big_files_renders_a_bounded_page(app, world):
    """The attack: a ~0.4 MB zip of 50 half-megabyte sources (and a previous attempt to diff against)."""
    with app.app_context():
        first = stored(world, zipped({f"hw/part{i}.py": big_python(i) for i in range(50)}), "hw.zip", 1)
        second = stored(world, zipped({f"hw/part{i}.py": big_python(i + 1) for i in range(50)}), "hw.zip", 2)
        assert len(db.session.get(Submission, second).content) < 2_000_000
    client = staff_client(app, world)
    for submission_id in (first, second):
        page = client.get(f"/staff/submissions/{submission_id}")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert len(html) < 2_000_000          # 275 MB before
        assert "Not shown: " in html and "download the submission to read it" in html
    assert "the diff is cut here" in html


MALFORMED_NOTEBOOKS = {
    "cells not a list": {"cells": {"a": 1}},
    "a cell is a string": {"cells": ["print(1)"], "nbformat": 4},
    "a cell's source is a number": {"cells": [{"cell_type": "code", "source": 12, "execution_count": "x"}]},
    "a cell's source is a dict": {"cells": [{"cell_type": "code", "source": {"a": ["b"]}}]},
    "cell_type is a list": {"cells": [{"cell_type": ["code"], "source": "x = 1"}]},
    "top level is a list": [1, 2, 3],
    "top level is a string": "notebook",
}


@pytest.mark.parametrize("case", sorted(MALFORMED_NOTEBOOKS) + ["deeply nested", "not utf-8"])
def test_a_malformed_notebook_renders_and_so_does_the_next_attempt(app, world, case):
    if case == "deeply nested":
        content = b'{"cells": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    elif case == "not utf-8":
        content = b'{"cells": [{"cell_type": "code", "source": "\xff\xfe"}]}'
    else:
        content = json.dumps(MALFORMED_NOTEBOOKS[case]).encode()
    with app.app_context():
        bad = stored(world, content, "hw.ipynb", 1)
        after = stored(world, b"def add_forward(x, y):\n    return x + y\n", "hw.py", 2)
    client = staff_client(app, world)
    for submission_id in (bad, after):
        assert client.get(f"/staff/submissions/{submission_id}").status_code == 200, (case, submission_id)


def test_a_zip_with_damaged_encrypted_or_malformed_members_renders(app, world):
    notebook = json.dumps({"cells": ["not a cell", {"cell_type": "code", "source": 5}]}).encode()
    archive = zipped({"hw/ok.py": b"x = 1\n", "hw/locked.py": b"y = 2\n" * 50, "hw/nb.ipynb": notebook},
                     encrypt={"hw/locked.py"})
    damaged = bytearray(zipped({"hw/broken.py": b"z = 3\n" * 500, "hw/fine.py": b"w = 4\n"}))
    at = damaged.find(b"hw/broken.py") + len(b"hw/broken.py") + 5
    damaged[at:at + 20] = bytes(20)                  # scribble over the compressed data
    with app.app_context():
        ids = [stored(world, archive, "hw.zip", 1), stored(world, bytes(damaged), "hw.zip", 2),
               stored(world, b"PK\x03\x04 not really a zip", "hw.zip", 3)]
    client = staff_client(app, world)
    pages = [client.get(f"/staff/submissions/{submission_id}") for submission_id in ids]
    assert [page.status_code for page in pages] == [200, 200, 200]
    first = pages[0].get_data(as_text=True)
    assert "hw/ok.py" in first and "This member cannot be read" in first and "not a notebook cell" in first
    assert "hw/fine.py" in pages[1].get_data(as_text=True)
