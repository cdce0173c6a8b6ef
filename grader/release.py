"""`grade release`: what students receive for one assignment.

The bundle holds the stub module, the notebook, the assignment's public declaration, the public
cases with the reference's answers to them (the declared mistakes' values on those cases included),
and a copy of the grader that can run public checks only. It holds no reference solution and no
hidden declaration (hidden shapes, known mistakes, chain-rule paths): those never leave the
instructor's course.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from .checks.questions import asked_about
from .course import Course, find_course, project_file
from .exercises.catalogue import DECLARATION_FILE
from .oracle import Oracle
from .recorded_oracle import ANSWERS_FILE, record_public_answers, write_answers
from .submission import SubmissionError

GRADER_DIR = Path(__file__).resolve().parent
# Files of the grader that a student's copy must not have, relative to grader/ (none: the hidden
# half of every exercise is the course's reference/<assignment>/hidden.py, never copied).
WITHHELD: tuple[str, ...] = ()
STUDENT_FILES = ("{a}.py", "{a}.ipynb", "public_cases.json", DECLARATION_FILE)


def build_release(assignment: str, out: Path, *, course: Course | None = None) -> list[Path]:
    """Write the student bundle for `assignment` of `course` (found as grader.course says when
    None) into `out` (new or empty); the files written."""
    course = course or find_course()
    catalogue = course.catalogue()
    if assignment not in catalogue:
        raise SubmissionError(catalogue.unknown(assignment))
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise SubmissionError(f"{out} is not empty: choose a new folder for the release.")
    exercise_dir = course.exercises_dir / assignment
    target = out / "exercises" / assignment
    target.mkdir(parents=True)
    for pattern in STUDENT_FILES:
        source = exercise_dir / pattern.format(a=assignment)
        if source.exists():
            shutil.copy2(source, target / source.name)
    answers = record_public_answers(catalogue[assignment], Oracle.for_assignments([assignment], course.reference_dir),
                                    course, asked_about)
    write_answers(answers, target / ANSWERS_FILE)
    shutil.copytree(GRADER_DIR, out / "grader", ignore=_ignore_withheld(GRADER_DIR))
    (out / "pyproject.toml").write_text(_pyproject(assignment, project_file(course).read_text()))
    (out / "README.md").write_text(_readme(assignment))
    return sorted(p for p in out.rglob("*") if p.is_file())


def _ignore_withheld(grader_dir: Path):
    withheld = {grader_dir / w for w in WITHHELD}

    def ignore(folder: str, names: list[str]) -> set[str]:
        skip = {n for n in names if n == "__pycache__" or Path(folder, n) in withheld}
        return skip
    return ignore


def _pyproject(assignment: str, original: str) -> str:
    """The instructor's pyproject with the student package's name."""
    return original.replace('name = "backprop-grader"', f'name = "backprop-grader-{assignment}-student"', 1)


def _readme(assignment: str) -> str:
    return f"""# The {assignment} assignment

```bash
pip install -e . && grade check exercises/{assignment}/{assignment}.py    # check your work
```

Implement the functions in `exercises/{assignment}/{assignment}.py` (or work in the notebook
`exercises/{assignment}/{assignment}.ipynb`, whose check cells run the same checks). `grade check`
runs the public checks and explains every failure; the hidden checks, on fresh inputs, run when
you submit.
"""
