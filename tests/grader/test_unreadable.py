"""A file the grader's reader trips on is the file's problem (SubmissionError, exit status 2), never
a crash of ours: the server would retry that as its own failure and never count the attempt."""
from __future__ import annotations

import io
import json
import zipfile

import pytest

from grader import grade
from grader.submission import SubmissionError


def zipped(name: str, data: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


UNREADABLE = {
    "hw.ipynb": json.dumps({"cells": [{"id": "c1", "cell_type": "code", "source": 5, "metadata": {}, "outputs": [],
                                       "execution_count": None}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}),
    "hw.zip": zipped("a" * 300 + ".py", "def add_forward(x, y):\n    return x + y\n"),
}


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_an_unreadable_file_is_a_submission_error_that_says_what_to_do(tmp_path, name):
    path = tmp_path / name
    content = UNREADABLE[name]
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(SubmissionError, match="could not be read") as refused:
        grade(path, assignment="gates", public_only=True, seed=1)
    assert "submit it again" in str(refused.value) and str(tmp_path) not in str(refused.value)
