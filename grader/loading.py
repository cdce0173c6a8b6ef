"""From what a student hands in (.py, .ipynb, or a zip of them) to one Python file to grade."""
from __future__ import annotations

import dataclasses
import errno
import shutil
import tempfile
from pathlib import Path

from . import archives, notebooks
from .submission import Submission, SubmissionError, python_submission, read_submission

SUFFIXES = (".py", ".ipynb", ".zip")


# What reading a submission can meet that is the machine's fault, not the file's: retried elsewhere.
MACHINE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.ENOMEM, errno.EMFILE, errno.ENFILE, errno.EIO,
                            errno.EROFS, errno.EAGAIN})


def load_submission(path: str | Path, workdir: Path, wanted: set[str] | None = None) -> Submission:
    """The gradable file for `path` (see _read); any failure but the machine's (MACHINE_ERRNOS,
    MemoryError) is the file's SubmissionError: the reader is only handed the student's bytes, so
    what it trips on is in them. A notebook cell whose source was a number, or a zip member named
    with 300 characters (ENAMETOOLONG), once escaped as our own failure, which the server retried
    and never counted as an attempt (and its upload check answered 500)."""
    try:
        return _read(path, workdir, wanted)
    except (SubmissionError, MemoryError):
        raise
    except OSError as error:
        if error.errno in MACHINE_ERRNOS:
            raise
        raise _unreadable(path, error) from error
    except Exception as error:  # noqa: BLE001
        raise _unreadable(path, error) from error


def _unreadable(path: str | Path, error: Exception) -> SubmissionError:
    detail = str(error).replace(str(Path(tempfile.gettempdir())), "…")[:200]
    return SubmissionError(f"{Path(path).name} could not be read ({type(error).__name__}: {detail}). Save it again "
                           "from your editor or Jupyter (zip only your .py and .ipynb files, with short names), "
                           "check that it opens, and submit it again.")


def _read(path: str | Path, workdir: Path, wanted: set[str] | None = None) -> Submission:
    """The gradable file for `path`; files it has to write (a converted notebook) go in `workdir`.
    From a zip, the file defining most of the `wanted` functions (the assignment's; without them,
    most functions at all) is graded."""
    path = Path(path)
    if not path.exists():
        raise SubmissionError(f"{path}: no such file. Give the path to your .py, .ipynb or .zip file.")
    if path.is_dir():
        raise SubmissionError(f"{path} is a folder. Give the path to your .py, .ipynb or .zip file.")
    if path.suffix == ".py":
        # Graded from a private copy: the sandbox then shows the worker this file alone, never
        # its neighbours (other students' files, or reference/ when run from a checkout).
        private = workdir / "submission" / path.name
        private.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, private)
        loaded = read_submission(private)
        return Submission(loaded.path, loaded.source, loaded.defined, loaded.notes)
    if path.suffix == ".ipynb":
        return _from_notebook(path, workdir / path.stem)
    if path.suffix == ".zip":
        return _from_archive(path, workdir, wanted or set())
    raise SubmissionError(f"{path.name}: expected a Python file (.py), a notebook (.ipynb) or a zip of them.")


def _from_notebook(path: Path, folder: Path, shown_as: str | None = None) -> Submission:
    conversion = notebooks.convert(path)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{path.name}.py"
    source = conversion.source.encode()
    target.write_bytes(source)
    loaded = python_submission(target, source, shown_as or path.name, tuple(conversion.notes))
    return dataclasses.replace(loaded, origins=tuple(conversion.origins))


def _from_archive(archive: Path, workdir: Path, wanted: set[str]) -> Submission:
    files = archives.extract_sources(archive, workdir / "unzipped")
    candidates, problems = [], []
    for file in files:
        relative = file.relative_to(workdir / "unzipped")
        try:
            if file.suffix == ".ipynb":
                submission = _from_notebook(file, workdir / "notebooks" / relative.parent, str(relative))
            else:
                submission = python_submission(file, file.read_bytes(), str(relative))
        except SubmissionError as error:
            problems.append(error)
            continue
        candidates.append((len(submission.defined & wanted if wanted else submission.defined), str(relative),
                           submission))
    candidates.sort(key=lambda c: (-c[0], c[1]))
    if not candidates or candidates[0][0] == 0:
        if problems:
            raise problems[0]
        raise SubmissionError(f"no file in {archive.name} defines an exercise function.")
    count, name, best = candidates[0]
    note = f"graded {name} from {archive.name} (it defines {count} exercise function(s))."
    return dataclasses.replace(best, notes=(note, *best.notes))
