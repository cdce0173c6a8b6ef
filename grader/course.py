"""The course directory: exercises/ (what students get) and reference/ (what they never get).

An installed `grade` is the same program for every course, so the course is never looked for
next to the grader's own files (after `pip install .` those are in site-packages). It is found
from, in order: an explicit folder (`--course DIR`, `grade(course=...)`), the GRADER_COURSE
environment variable, the working directory and its parents, and last the folder holding the
grader package when that is a project with a pyproject.toml (a checkout, an editable install). A student's release is a course too: it has
exercises/ and no reference/.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "GRADER_COURSE"
# Older set-ups point at the reference solutions alone; it still wins for reference_dir.
REFERENCE_ENV_VAR = "GRADER_REFERENCE_DIR"
PACKAGE_PARENT = Path(__file__).resolve().parents[1]


class ReferenceMissing(Exception):
    """This installation has no reference solutions for a question (hidden checks need them): a
    student's release answers the public cases only. Raised by both oracles (grader.oracle,
    grader.recorded_oracle), so it lives here, where neither has to import the other."""


class CourseNotFound(Exception):
    """No course directory (a folder holding exercises/) where the grader looked; says where."""


@dataclass(frozen=True)
class Course:
    """One course directory. `reference_dir` may not exist (a student's release has none)."""
    root: Path
    reference_override: Path | None = None

    @property
    def exercises_dir(self) -> Path:
        return self.root / "exercises"

    @property
    def reference_dir(self) -> Path:
        return self.reference_override or self.root / "reference"

    def has_reference(self, assignment: str) -> bool:
        return (self.reference_dir / assignment / f"{assignment}.py").is_file()

    def catalogue(self):
        """The course's assignments and exercises, from its declarations (grader.exercises)."""
        from .exercises.catalogue import load_catalogue
        return load_catalogue(self.exercises_dir, self.reference_dir)


def is_course(folder: Path) -> bool:
    return (folder / "exercises").is_dir()


def find_course(explicit: str | Path | None = None, *, cwd: Path | None = None,
                environ: dict[str, str] | None = None) -> Course:
    """The course to grade against. An explicit folder or GRADER_COURSE is used as given (a
    mistake there is reported, not silently replaced by another course); otherwise the first
    course among the working directory, its parents and the grader's own checkout. Raises
    CourseNotFound naming every folder it looked in."""
    environ = os.environ if environ is None else environ
    override = Path(environ[REFERENCE_ENV_VAR]).resolve() if environ.get(REFERENCE_ENV_VAR) else None
    for given, origin in ((explicit, "--course"), (environ.get(ENV_VAR) or None, ENV_VAR)):
        if given is not None:
            folder = Path(given).expanduser().resolve()
            if not is_course(folder):
                raise CourseNotFound(f"{folder} (from {origin}) is not a course directory: it has no "
                                     "exercises/ folder. Point it at the folder holding exercises/ and "
                                     "reference/.")
            return Course(folder, override)
    here = (cwd or Path.cwd()).resolve()
    candidates = [here, *here.parents, PACKAGE_PARENT]
    for folder in candidates:
        # Beside the package only in a project (a checkout, an editable install, a bundle): an
        # installed grader's neighbours in site-packages are other people's packages.
        beside_package = folder == PACKAGE_PARENT and not (folder / "pyproject.toml").is_file()
        if is_course(folder) and not beside_package:
            return Course(folder, override)
    looked = ", ".join(str(c) for c in dict.fromkeys(candidates))
    raise CourseNotFound(f"no course directory (a folder holding exercises/ and reference/) found: "
                         f"--course was not given, {ENV_VAR} is not set, and none of these has an "
                         f"exercises/ folder: {looked}. Run from the course folder, or pass --course DIR "
                         f"or set {ENV_VAR}.")


def project_file(course: Course) -> Path:
    """The grader's pyproject.toml, for bundles that install the grader (a release, a Gradescope
    autograder): beside the grader package in a checkout, else in the course directory."""
    for folder in (PACKAGE_PARENT, course.root):
        if (folder / "pyproject.toml").is_file():
            return folder / "pyproject.toml"
    raise CourseNotFound(f"no pyproject.toml beside the grader ({PACKAGE_PARENT}) or in the course "
                         f"({course.root}): build bundles from a checkout of the grader.")
