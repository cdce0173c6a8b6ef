"""`grade export-gradescope`: a Gradescope autograder zip that grades with this grader.

The zip holds Gradescope's two entry points at its root (setup.sh, run once to build the image;
run_autograder, run for each submission), a stdlib-only helper that writes results.json even when
the grader cannot run, a README for the instructor, and under source/ a copy of the grader with one
assignment's reference solution and exercises. It holds the instructor's reference solution and a
fresh secret for hidden-case seeds: it is for Gradescope, never for students.

How hidden checks run is decided here, at export time (Gradescope's containers may not allow the
namespaces the sandbox needs):
  sandboxed (default)  hidden checks run if the container can sandbox student code; if it cannot,
                       only the public checks run and results.json says so.
  unsandboxed          hidden checks always run, with --allow-unsandboxed when the sandbox is
                       missing: student code then runs as an ordinary process that could read the
                       reference solution. Only for trusted submissions.
  public               only the public checks, always.
"""
from __future__ import annotations

import os
import secrets
import tempfile
import zipfile
from pathlib import Path

from .course import Course, CourseNotFound, find_course, project_file

GRADER_DIR = Path(__file__).resolve().parent
EXECUTABLE = 0o100755 << 16
REGULAR = 0o100644 << 16


class ExportError(Exception):
    """The autograder cannot be built as asked; the message says what to do."""


def error_results(message: str) -> dict:
    """A valid Gradescope results.json for a submission that could not be graded: score 0."""
    return {"score": 0.0, "output": message, "tests": [], "visibility": "visible", "stdout_visibility": "hidden"}


def build_autograder(assignment: str, out: str | Path, *, public_only: bool = False,
                     allow_unsandboxed: bool = False, course: Course | None = None) -> list[str]:
    """Write the autograder zip for `assignment` of `course` (found as grader.course says when
    None) to `out` (replacing it); the member names."""
    if public_only and allow_unsandboxed:
        raise ExportError("--public-only and --allow-unsandboxed contradict each other: "
                          "public-only never runs hidden checks. Choose one.")
    from .exercises import DeclarationError
    from .exercises.kinds import is_kind
    try:
        course = course or find_course()
        pyproject = project_file(course)
        catalogue = course.catalogue()
    except (CourseNotFound, DeclarationError) as error:
        raise ExportError(str(error)) from None
    # Public cases belong to forward/backward pairs; another kind of exercise draws its own inputs.
    pairs = assignment not in catalogue or not all(is_kind(e) for e in catalogue[assignment])
    for needed in (course.reference_dir / assignment / f"{assignment}.py",
                   *([course.exercises_dir / assignment / "public_cases.json"] if pairs else [])):
        if not needed.is_file() and (assignment in catalogue or needed.parent.is_dir()):
            raise ExportError(f"{needed} is missing: export from a course directory that has it.")
    if assignment not in catalogue:
        raise ExportError(catalogue.unknown(assignment))
    mode = "public" if public_only else "unsandboxed" if allow_unsandboxed else "sandboxed"
    out = Path(out)
    if out.is_dir():
        raise ExportError(f"{out} is a folder: --out takes the path of the zip to write (autograder.zip).")
    out.parent.mkdir(parents=True, exist_ok=True)
    members = {
        "setup.sh": (SETUP_SH, EXECUTABLE),
        "run_autograder": (_run_autograder(assignment, mode), EXECUTABLE),
        "gradescope_results.py": (RESULTS_HELPER, REGULAR),
        "README.md": (_readme(assignment, mode), REGULAR),
    }
    fd, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.")
    os.close(fd)
    try:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as bundle:
            for name, (text, mode_bits) in members.items():
                info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
                info.external_attr = mode_bits
                info.compress_type = zipfile.ZIP_DEFLATED
                bundle.writestr(info, text)
            for path, name in _project_files(course, pyproject, assignment):
                bundle.write(path, name)
            names = bundle.namelist()
        os.replace(temporary, out)
    except BaseException:
        os.unlink(temporary)
        raise
    return names


def _project_files(course: Course, pyproject: Path, assignment: str):
    """(path, member name) of the grader's copy under source/: the package, one assignment's
    reference solution and exercises, and pyproject.toml. No caches, no other assignment.
    source/ is itself a course directory (run_autograder points GRADER_COURSE at it)."""
    yield pyproject, "source/pyproject.toml"
    for folder, name in ((GRADER_DIR, "grader"), (course.reference_dir / assignment, f"reference/{assignment}"),
                         (course.exercises_dir / assignment, f"exercises/{assignment}")):
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if path.is_file() and "__pycache__" not in relative.parts and not path.name.startswith("."):
                yield path, f"source/{name}/{relative.as_posix()}"
    init = course.reference_dir / "__init__.py"
    if init.is_file():
        yield init, "source/reference/__init__.py"


def _run_autograder(assignment: str, mode: str) -> str:
    return (RUN_AUTOGRADER.replace("@ASSIGNMENT@", assignment).replace("@MODE@", mode)
            .replace("@SECRET@", secrets.token_hex(32)))


def _readme(assignment: str, mode: str) -> str:
    return README.replace("@ASSIGNMENT@", assignment).replace("@MODE@", mode)


SETUP_SH = r"""#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder image: install the grader bundled in
# source/ (with its reference solution) into a virtual environment at $ROOT/venv.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="${AUTOGRADER_ROOT:-/autograder}"

find_python() {
    for candidate in python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
           "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if command -v apt-get >/dev/null 2>&1; then
    apt-get update
    # libseccomp: one layer of the sandbox. The venv package: Ubuntu's Python lacks ensurepip.
    apt-get install -y --no-install-recommends libseccomp2 || true
fi
PYTHON="$(find_python || true)"
if [ -z "$PYTHON" ]; then
    apt-get install -y --no-install-recommends python3.11 python3.11-venv
    PYTHON=python3.11
fi
version="$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
if command -v apt-get >/dev/null 2>&1; then
    apt-get install -y --no-install-recommends "python${version}-venv" || true
fi
"$PYTHON" -m venv "$ROOT/venv"
"$ROOT/venv/bin/python" -m pip install --upgrade pip
# source/ is the course directory too: run_autograder points GRADER_COURSE at it.
"$ROOT/venv/bin/python" -m pip install -e "$HERE/source"
"$ROOT/venv/bin/python" -c 'import grader.engine; print("grader installed")'
"""

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Gradescope runs this for each submission. Generated by `grade export-gradescope`.
# It finds the student's .py, .ipynb or .zip in $ROOT/submission, grades it with
# `grade check --format gradescope` and writes $ROOT/results/results.json, which is always
# written: a submission that cannot be graded gets score 0 and the reason.
set -uo pipefail
ASSIGNMENT="@ASSIGNMENT@"
MODE="@MODE@"    # sandboxed | unsandboxed | public: chosen at export time, see README.md
# Seeds the hidden cases (a regrade replays the same ones). Keep this zip away from students.
export GRADER_SECRET="@SECRET@"

ROOT="${AUTOGRADER_ROOT:-/autograder}"
# The zip is unpacked in $ROOT/source; its source/ folder is the course (reference/, exercises/).
export GRADER_COURSE="$ROOT/source/source"
PYTHON="${AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}"
SUBMISSION="$ROOT/submission"
RESULTS="$ROOT/results/results.json"
HELPER="$ROOT/source/gradescope_results.py"
mkdir -p "$ROOT/results"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# Never run Python from the submission's folder: a student's grader.py or numpy.py must not be
# importable by the grader. (-P below keeps the current folder off sys.path as well.)
cd "$WORK"

fail() {
    "$PYTHON" "$HELPER" fail "$RESULTS" "$1" 2>/dev/null ||
        python3 "$HELPER" fail "$RESULTS" "$1" 2>/dev/null ||
        printf '{"score": 0, "output": "The autograder could not run; tell your instructor.", "tests": []}\n' > "$RESULTS"
    exit 0
}

[ -x "$PYTHON" ] || command -v "$PYTHON" >/dev/null 2>&1 ||
    fail "The autograder is not installed ($PYTHON is missing; setup.sh failed?). Tell your instructor."

FILES=()
if [ -d "$SUBMISSION" ]; then
    mapfile -t FILES < <(cd "$SUBMISSION" && find . -mindepth 1 \( -name '.*' -o -name __MACOSX -o -name __pycache__ \) -prune \
        -o -type f \( -name '*.py' -o -name '*.ipynb' -o -name '*.zip' \) -print | LC_ALL=C sort)
fi
case "${#FILES[@]}" in
    0) fail "No .py, .ipynb or .zip file was submitted. Upload your ${ASSIGNMENT}.py (or your notebook) and submit again." ;;
    1) TARGET="$SUBMISSION/${FILES[0]#./}" ;;
    *) # Several files: grade them as one zip; the grader picks the file defining the most exercise functions.
       TARGET="$WORK/submission.zip"
       "$PYTHON" "$HELPER" bundle "$TARGET" "$SUBMISSION" || fail "Your files could not be read; submit your ${ASSIGNMENT}.py again." ;;
esac

# Exit status 0 where student code can be fully sandboxed (namespaces and seccomp), else 1.
SANDBOX_PROBE='import sys
from grader.sandbox.zygote import Zygote
zygote = Zygote()
complete = zygote.status.complete
zygote.close()
sys.exit(0 if complete else 1)'
FLAGS=()
NOTE=""
case "$MODE" in
    public) FLAGS=(--public) ;;
    unsandboxed) FLAGS=(--allow-unsandboxed) ;;
    *) if ! "$PYTHON" -P -c "$SANDBOX_PROBE" >/dev/null 2>&1; then
           FLAGS=(--public)
           NOTE="Only the public checks ran: this grading machine cannot sandbox student code, so the \
hidden checks were not run. Your instructor will grade them separately; the score below is for the \
public checks only."
       fi ;;
esac

"$PYTHON" -P -m grader.cli check "$TARGET" --assignment "$ASSIGNMENT" --format gradescope ${FLAGS[@]+"${FLAGS[@]}"} \
    > "$WORK/results.json" 2> "$WORK/errors.txt"
STATUS=$?
# 0: every check passed, 1: some failed; anything else means no report (2: a syntax error, ...).
if [ "$STATUS" -gt 1 ] || ! "$PYTHON" "$HELPER" finish "$WORK/results.json" "$RESULTS" "$NOTE"; then
    fail "Your submission could not be graded.
$(tail -c 4000 "$WORK/errors.txt" | sed 's/^Error: //')"
fi
"""

RESULTS_HELPER = r'''"""Writes Gradescope's results.json for run_autograder; the standard library only, so that it
works even when the grader itself cannot be imported.

    gradescope_results.py fail RESULTS MESSAGE         score 0, MESSAGE as the output
    gradescope_results.py finish REPORT RESULTS [NOTE] check the grader's results.json, add NOTE
    gradescope_results.py bundle ZIP FOLDER            zip a submission's .py and .ipynb files
"""
import json
import os
import sys
import zipfile


def fail(results, message):
    write(results, {"score": 0.0, "output": message.strip() or "Your submission could not be graded.",
                    "tests": [], "visibility": "visible", "stdout_visibility": "hidden"})


def finish(report, results, note=""):
    try:
        with open(report, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        raise SystemExit(1)
    if not isinstance(data, dict) or not isinstance(data.get("score"), (int, float)) \
            or not isinstance(data.get("tests"), list):
        raise SystemExit(1)
    if note:
        data["output"] = note + ("\n\n" + data["output"] if data.get("output") else "")
    write(results, data)


def bundle(target, folder):
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for parent, folders, files in os.walk(folder):
            folders[:] = sorted(f for f in folders if not f.startswith(".") and f not in ("__MACOSX", "__pycache__"))
            for name in sorted(files):
                path = os.path.join(parent, name)
                if name.endswith((".py", ".ipynb")) and not name.startswith(".") and not os.path.islink(path):
                    archive.write(path, os.path.relpath(path, folder))


def write(results, data):
    temporary = results + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2)
    os.replace(temporary, results)


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    {"fail": fail, "finish": finish, "bundle": bundle}[command](*arguments)
'''

README = """# Gradescope autograder: the @ASSIGNMENT@ assignment

Built by `grade export-gradescope --assignment @ASSIGNMENT@` (hidden-check mode: **@MODE@**).
This zip holds the reference solution and the secret that seeds the hidden cases: upload it to
Gradescope, and never give it to students.

## Upload

1. In Gradescope, create a *Programming Assignment* and open *Configure Autograder*.
2. Choose *Zip file upload*, an Ubuntu base image (22.04 or newer), and upload this zip.
   Gradescope runs `setup.sh`, which installs Python 3.11+ if needed and the grader (from
   `source/`) into `/autograder/venv`.
3. Use *Test Autograder* with the reference solution: every test should pass.

Students upload their `@ASSIGNMENT@.py` or their notebook (or several files, or a zip: the file
defining the most exercise functions is graded). Each check is one Gradescope test; public checks
are visible at once, hidden checks once grades are published. A submission that cannot be graded
(a syntax error, no Python file) gets score 0 and the reason.

## Hidden checks and the sandbox

The grader runs hidden checks only where student code is fully sandboxed (Linux namespaces and
seccomp). Gradescope's containers may not allow namespaces. What happens then was chosen when
this zip was built:

- `sandboxed` (the default): hidden checks run when the container can sandbox student code;
  when it cannot, only the public checks run, and each student's results say so. Grade the hidden
  checks yourself with `grade batch` on the submissions Gradescope exports.
- `unsandboxed` (`--allow-unsandboxed`): hidden checks always run. Without the sandbox, student
  code is still a separate process with resource limits and timeouts, but it runs as the same user
  as the grader: a malicious submission could read the reference solution in
  `/autograder/source` and print it into its feedback. Use it only if you accept that.
- `public` (`--public-only`): only the public checks, always.

## Files

- `setup.sh`: installs the grader (run once, by Gradescope).
- `run_autograder`: grades one submission into `/autograder/results/results.json`. For a local
  trial, `AUTOGRADER_ROOT` replaces `/autograder` and `AUTOGRADER_PYTHON` the venv's Python.
- `gradescope_results.py`: writes `results.json` even when the grader cannot run.
- `source/`: the grader, `reference/@ASSIGNMENT@/`, `exercises/@ASSIGNMENT@/`, `pyproject.toml`.
"""
