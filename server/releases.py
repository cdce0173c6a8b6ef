"""The starter files a student downloads from an assignment's page: `grade release`'s bundle (the
stub, the notebook, the public cases and their recorded answers, a public-checks-only grader), as
a zip. Built once per exercise set and grader version into the instance folder, then served."""
from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from grader.course import find_course
from grader.release import build_release

from .queue.grading import _grader_version


def starter_zip(instance_path: str, course_dir: str | None, exercise: str) -> Path:
    """The bundle of `exercise` as a zip file, built now if this grader version has not built it yet."""
    folder = Path(instance_path) / "releases"
    target = folder / f"{exercise}-{_grader_version()}.zip"
    if target.exists():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="grader-release-", dir=folder) as work:
        out = Path(work) / exercise
        files = build_release(exercise, out, course=find_course(course_dir))
        partial = Path(work) / "bundle.zip"
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                archive.write(path, Path(exercise) / path.relative_to(out))
        os.replace(partial, target)       # two first downloads at once: each writes whole, one wins
    return target


def forget_builds(instance_path: str) -> None:
    """Drop every built bundle (after the course's exercises change)."""
    shutil.rmtree(Path(instance_path) / "releases", ignore_errors=True)
