"""Zip submissions: extracted with care (no escaping paths, no bombs), then the file to grade is
the one that defines the most exercise functions."""
from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath

from .submission import SubmissionError

MAX_MEMBERS = 500
MAX_TOTAL_BYTES = 50 * 1024 * 1024
SOURCE_SUFFIXES = (".py", ".ipynb")


def extract_sources(archive: Path, into: Path) -> list[Path]:
    """Extract the .py and .ipynb members of `archive` under `into`; their paths."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = bundle.infolist()
            if len(members) > MAX_MEMBERS:
                raise SubmissionError(f"{archive.name} holds {len(members)} files; zip only your code.")
            if sum(m.file_size for m in members) > MAX_TOTAL_BYTES:
                raise SubmissionError(f"{archive.name} unpacks to more than {MAX_TOTAL_BYTES // 2**20} MB; "
                                      "zip only your code.")
            extracted = []
            for member in members:
                relative = _safe_name(member)
                if relative is None:
                    continue
                target = into.joinpath(*relative.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with bundle.open(member) as source, open(target, "wb") as sink:
                    sink.write(source.read(MAX_TOTAL_BYTES + 1)[:MAX_TOTAL_BYTES])
                extracted.append(target)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError) as error:
        raise SubmissionError(f"{archive.name} is not a readable zip archive ({error}). "
                              "Zip your .py or .ipynb files again, or submit them directly.") from None
    if not extracted:
        raise SubmissionError(f"{archive.name} holds no .py or .ipynb file.")
    return extracted


def _safe_name(member: zipfile.ZipInfo) -> PurePosixPath | None:
    """The member's path if it is a source file that stays inside the extraction folder."""
    name = PurePosixPath(member.filename.replace("\\", "/"))
    if member.is_dir() or name.suffix not in SOURCE_SUFFIXES:
        return None
    if stat.S_ISLNK(member.external_attr >> 16):
        return None
    if name.is_absolute() or ".." in name.parts or any(p.startswith(".") or p == "__MACOSX" for p in name.parts):
        return None
    return name
