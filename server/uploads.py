"""What counts as a submission, judged by content in the web process (which never runs or parses it).

A file that is not a submission (an image renamed .py, an empty file, a zip bomb) is refused and
nothing is stored. Whether a submission can be graded (a syntax error, a notebook whose JSON is
broken, the wrong homework) is server.precheck's question, asked next; with an assignment's
precheck off such a file is graded, counts as an attempt, and its report says why.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

SUFFIXES = (".py", ".ipynb", ".zip")
MAX_MEMBERS = 200
MAX_UNPACKED = 20 * 1024 * 1024
MAX_RATIO = 200            # a member that inflates more than this is a bomb, not source code


class UploadRefused(Exception):
    """Not a submission; the message says why and what to send instead."""


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes


def accept(filename: str | None, content: bytes, max_bytes: int) -> Upload:
    """The upload if it is a submission; UploadRefused otherwise."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not name:
        raise UploadRefused("No file was chosen. Choose your .py, .ipynb or .zip file and submit again.")
    if suffix not in SUFFIXES:
        raise UploadRefused(f"{name} is not a .py, .ipynb or .zip file. Submit your code in one of those.")
    if not content:
        raise UploadRefused(f"{name} is empty. Save your work, then submit the saved file.")
    if len(content) > max_bytes:
        raise UploadRefused(f"{name} is {len(content) // 1024} KB; the limit is {max_bytes // 1024} KB. "
                            "Submit only your code (clear large notebook outputs first).")
    if suffix == ".zip":
        _check_zip(name, content)
    else:
        _check_text(name, content, notebook=suffix == ".ipynb")
    return Upload(name, content)


def accept_file(file, max_bytes: int) -> Upload:
    """`accept` for an uploaded file (werkzeug's FileStorage), reading at most one byte past the limit."""
    return accept(file.filename, file.read(max_bytes + 1), max_bytes)


def _check_text(name: str, content: bytes, notebook: bool) -> None:
    if b"\x00" in content:
        raise UploadRefused(f"{name} is not a text file (it holds binary data). Submit the source file itself.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadRefused(f"{name} is not UTF-8 text. Save it as UTF-8 (any editor can) and submit again.") from None
    if notebook and not text.lstrip().startswith("{"):
        raise UploadRefused(f"{name} is not a Jupyter notebook (a notebook is JSON text starting with '{{'). "
                            "Download it from Jupyter with File > Download, or submit a .py file.")


def _check_zip(name: str, content: bytes) -> None:
    if not content.startswith(b"PK\x03\x04"):
        raise UploadRefused(f"{name} is not a zip archive. Zip your files again, or submit the .py directly.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        raise UploadRefused(f"{name} is a damaged zip archive. Zip your files again.") from None
    if len(members) > MAX_MEMBERS:
        raise UploadRefused(f"{name} holds {len(members)} files; zip only your code.")
    if sum(m.file_size for m in members) > MAX_UNPACKED:
        raise UploadRefused(f"{name} unpacks to more than {MAX_UNPACKED // 2**20} MB; zip only your code.")
    for member in members:
        if member.flag_bits & 0x1:
            raise UploadRefused(f"{name} is encrypted; zip your files without a password.")
        if member.compress_size and member.file_size / member.compress_size > MAX_RATIO:
            raise UploadRefused(f"{name} holds {member.filename}, which inflates {MAX_RATIO}-fold or more: "
                                "that is not source code. Zip only your .py and .ipynb files.")
    if not any(m.filename.lower().endswith((".py", ".ipynb")) and not m.is_dir() for m in members):
        raise UploadRefused(f"{name} holds no .py or .ipynb file. Zip your code, not its folder's other files.")
