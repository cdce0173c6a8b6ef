"""What a batch grades: one entry per student, found in a folder or an LMS export zip.

Each top-level entry of the folder (or of the unpacked zip) is one student: a file (.py, .ipynb,
.zip, or anything else, which is then reported as ungradable) or a folder of files. The student id
is the entry's name without its last extension, kept whole otherwise (`smith_jane_12345_678_layers.py`
is student `smith_jane_12345_678_layers`): LMS naming schemes differ, and a predictable id beats a
clever one. Two entries with the same stem (`ana.py`, `ana.ipynb`) keep their full names instead.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..archives import SOURCE_SUFFIXES, extract_sources
from ..submission import SubmissionError

GRADABLE_SUFFIXES = (*SOURCE_SUFFIXES, ".zip")
# An export holds a whole class: caps well above one student's zip, still far from a zip bomb.
MAX_EXPORT_MEMBERS = 50_000
MAX_EXPORT_BYTES = 2 * 1024**3
IGNORED_NAMES = ("__MACOSX", "__pycache__", "Thumbs.db", "desktop.ini")


class BatchError(Exception):
    """The batch as a whole cannot run (a missing folder, an unreadable export); says what to do."""


@dataclass(frozen=True)
class StudentEntry:
    """One student's submission: `path` is a file or a folder; `sha256` identifies its content."""
    student: str
    path: Path
    sha256: str


def find_students(source: Path, unpack_into: Path) -> list[StudentEntry]:
    """Every student in `source` (a folder, or a zip unpacked under `unpack_into`), sorted by id."""
    source = Path(source)
    if not source.exists():
        raise BatchError(f"{source}: no such file or folder. Give the folder of submissions or the LMS export zip.")
    if source.is_file():
        if source.suffix != ".zip":
            raise BatchError(f"{source} is a file, not a folder or a .zip: `grade check` grades one file.")
        root = _unwrap(extract_export(source, unpack_into))
    else:
        root = source
    entries = [p for p in root.iterdir() if not _ignored(p)]
    stems = [_stem(p) for p in entries]
    students = []
    for path, stem in zip(entries, stems):
        student = stem if stems.count(stem) == 1 else path.name
        students.append(StudentEntry(student, path, content_hash(path)))
    return sorted(students, key=lambda s: s.student)


def _stem(path: Path) -> str:
    return path.name if path.is_dir() else (path.stem or path.name)


def _ignored(path: Path) -> bool:
    """Hidden files, OS litter and symbolic links (which could point at anything) are no submission."""
    return path.name.startswith(".") or path.name in IGNORED_NAMES or path.is_symlink()


def _unwrap(root: Path) -> Path:
    """A zip of a folder holds just that folder: grade what is inside, as `grade batch FOLDER` would."""
    while True:
        entries = [p for p in root.iterdir() if not _ignored(p)]
        if len(entries) != 1 or not entries[0].is_dir():
            return root
        root = entries[0]


def student_files(folder: Path) -> list[Path]:
    """A student folder's regular files (no hidden ones, no links followed), sorted."""
    found = []
    for parent, folders, files in os.walk(folder):
        folders[:] = [f for f in folders if not _ignored(Path(parent, f))]
        found.extend(Path(parent, f) for f in files if not _ignored(Path(parent, f)))
    return sorted(found)


def content_hash(path: Path) -> str:
    """SHA-256 of a file's bytes, or of a folder's file names and bytes: any change gives a new hash."""
    digest = hashlib.sha256()
    if path.is_file():
        digest.update(b"file\0")
        _hash_file(digest, path)
        return digest.hexdigest()
    digest.update(b"folder\0")
    for file in student_files(path):
        name = file.relative_to(path).as_posix().encode()
        digest.update(len(name).to_bytes(8, "big") + name)
        _hash_file(digest, file)
    return digest.hexdigest()


def _hash_file(digest, path: Path) -> None:
    digest.update(path.stat().st_size.to_bytes(8, "big"))
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)


def extract_export(archive: Path, into: Path) -> Path:
    """Unpack an LMS export zip under `into` with grader.archives' rules (no paths that escape, no
    links, no hidden files, size caps), keeping every file type: nested zips and stray files are
    each student's business. Returns the folder it was unpacked into."""
    into.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = bundle.infolist()
            if len(members) > MAX_EXPORT_MEMBERS:
                raise BatchError(f"{archive.name} holds {len(members)} files, more than {MAX_EXPORT_MEMBERS}: "
                                 "unpack it yourself and run `grade batch` on the folder.")
            for member in members:
                relative = _safe_member(member)
                if relative is None:
                    continue
                target = into.joinpath(*relative.parts)
                if member.is_dir():   # kept: an empty folder is a student who submitted nothing
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with bundle.open(member) as source, open(target, "wb") as sink:
                    # Count what is actually written: a member's declared size can lie.
                    while chunk := source.read(1 << 20):
                        written += len(chunk)
                        if written > MAX_EXPORT_BYTES:
                            raise BatchError(f"{archive.name} unpacks to more than {MAX_EXPORT_BYTES // 2**30} GB.")
                        sink.write(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError) as error:
        raise BatchError(f"{archive.name} is not a readable zip archive ({error}). Download the export "
                         "again, or unpack it and run `grade batch` on the folder.") from None
    except OSError as error:
        raise BatchError(f"{archive.name} could not be unpacked ({error}). Unpack it yourself and run "
                         "`grade batch` on the folder.") from None
    return into


def _safe_member(member: zipfile.ZipInfo) -> PurePosixPath | None:
    """The member's path if it is a regular file or folder that stays inside the extraction folder."""
    name = PurePosixPath(member.filename.replace("\\", "/"))
    if stat.S_ISLNK(member.external_attr >> 16):
        return None
    if name.is_absolute() or not name.parts or ".." in name.parts or ":" in name.parts[0]:
        return None
    if any(part.startswith(".") or part in IGNORED_NAMES for part in name.parts):
        return None
    return name


def private_copy(entry: StudentEntry, into: Path) -> Path:
    """Copy one student's gradable files into `into` (its own folder) and return what to grade.

    The sandbox lets a worker read the folder of the file it grades: graded in place, a file in a
    class folder would let its code read every other student's submission. A folder with one
    .py/.ipynb/.zip is graded as that file; with several, as a zip of them (the grader then picks the
    file defining the most exercise functions); with none, SubmissionError.
    """
    into.mkdir(parents=True, exist_ok=True)
    if entry.path.is_file():
        target = into / entry.path.name
        shutil.copyfile(entry.path, target)
        return target
    files = [f for f in student_files(entry.path) if f.suffix in GRADABLE_SUFFIXES]
    if not files:
        raise SubmissionError(f"the folder {entry.path.name} holds no .py, .ipynb or .zip file.")
    if len(files) == 1:
        target = into / files[0].name
        shutil.copyfile(files[0], target)
        return target
    bundle = into / f"{entry.student}.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in files:
            relative = file.relative_to(entry.path)
            if file.suffix == ".zip":
                _add_zip_sources(archive, file, relative)
            else:
                archive.write(file, relative.as_posix())
    return bundle


def _add_zip_sources(archive: zipfile.ZipFile, nested: Path, relative: PurePosixPath) -> None:
    """A zip next to other files in a student folder: its sources join the bundle under its name."""
    with tempfile.TemporaryDirectory(prefix="grader-nested-") as folder:
        try:
            sources = extract_sources(nested, Path(folder))
        except SubmissionError:
            return   # unreadable or empty: the other files still count
        for source in sources:
            inner = source.relative_to(folder).as_posix()
            archive.write(source, f"{relative.as_posix()}/{inner}")
