"""The `grade` command. Thin: each command parses options and calls the grader's Python API.

Exit codes: 0 every check passed, 1 some check failed, 2 bad usage (a missing file, a syntax
error in the submission, an unknown assignment).
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .budget import InvalidBudget
from .course import CourseNotFound, find_course
from .report import FORMATS
from .sandbox.zygote import ZygoteError, shared_zygote, start_shared_zygote
from .submission import SubmissionError

# Nothing imported here imports numpy. The engine (checks, cases, the reference oracle, the runner),
# the exercises and what only other commands use are imported when a command needs them:
# `grade check` starts its zygote first, so that the zygote's own start-up (an interpreter and
# numpy) runs beside the grader's instead of after it.


class UsageProblem(click.ClickException):
    """A problem the user can fix; exits 2 like any usage error."""
    exit_code = 2


# Every command that reads exercises/ or reference/ takes the course directory (see grader.course).
course_option = click.option(
    "--course", type=click.Path(file_okay=False, path_type=Path),
    help="The course directory, holding exercises/ and reference/ [default: $GRADER_COURSE, else the "
         "working directory or the nearest parent that has exercises/].")


def _course(course: Path | None):
    try:
        return find_course(course)
    except CourseNotFound as error:
        raise UsageProblem(str(error)) from None


class AssignmentChoice(click.ParamType):
    """An assignment's name. The course declares its assignments (grader.exercises), and which
    course is only known once --course is parsed: the command checks the name against that
    course, and says which assignments it has."""
    name = "assignment"


class CommandsWithPlugins(click.Group):
    """The grader's own commands, plus those other installed packages add (the web server's `serve`,
    `worker`, `admin`) through the `grade.commands` entry point group. Loaded only when asked for,
    so `grade check` never imports the web stack, and the grader never imports web code."""

    def _plugins(self) -> dict:
        from importlib.metadata import entry_points
        return {ep.name: ep for ep in entry_points(group="grade.commands")}

    def list_commands(self, ctx) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._plugins()))

    def get_command(self, ctx, name: str):
        command = super().get_command(ctx, name)
        if command is not None:
            return command
        plugin = self._plugins().get(name)
        if plugin is None:
            return None
        try:
            return plugin.load()
        except ImportError as error:
            return _unavailable(name, f"`grade {name}` needs the web server's packages ({error.name} is missing): "
                                      "pip install 'backprop-grader[server]'")


def _unavailable(name: str, why: str) -> click.Command:
    """A command that cannot load here (a student's release has no web server): listed by
    `grade --help` with what it needs, and saying so when run, whatever its arguments."""
    def refuse() -> None:
        raise click.ClickException(why)
    return click.Command(name, callback=refuse, help=why, short_help="(needs the web server's packages)",
                         context_settings={"ignore_unknown_options": True, "allow_extra_args": True})


@click.group(cls=CommandsWithPlugins)
def main() -> None:
    """Grade backprop assignments: forward/backward functions of gates and layers."""


@main.command()
@click.argument("submission", type=click.Path(dir_okay=False, path_type=str))
@click.option("--assignment", type=AssignmentChoice(),
              help="Grade every function of this assignment (default: the exercise functions the file defines).")
@click.option("--public", "public_only", is_flag=True, help="Run only the public checks students get.")
@click.option("--seed", type=click.IntRange(min=0), help="Replay the hidden cases of this seed.")
@click.option("--format", "output_format", type=click.Choice(sorted(FORMATS)), default="text", show_default=True)
@click.option("--verbose", "-v", is_flag=True,
              help="List passed checks too (text format), and what isolates your code (and what does not) here.")
@click.option("--in-process", is_flag=True,
              help="Run your code inside the grader's process (debugging on your own laptop; public checks only).")
@click.option("--allow-unsandboxed", is_flag=True,
              help="Run hidden checks even where student code cannot be fully sandboxed (trusted code only).")
@course_option
@click.option("--budget", "budget_seconds", type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
              help="Time budget for the whole grade; checks left without time are timeouts "
                   "[default: $GRADER_BUDGET_SECONDS, else 60].")
def check(submission: str, assignment: str | None, public_only: bool, seed: int | None,
          output_format: str, verbose: bool, in_process: bool, allow_unsandboxed: bool,
          course: Path | None, budget_seconds: float | None) -> None:
    """Check SUBMISSION (a .py file, a notebook, or a zip of them) and explain every failure."""
    if not in_process:
        start_shared_zygote()
    from .engine import SandboxUnavailable, grade
    from .exercises import DeclarationError
    from .oracle import ReferenceMissing
    try:
        report = grade(submission, assignment=assignment, public_only=public_only, seed=seed,
                       in_process=in_process, allow_unsandboxed=allow_unsandboxed, course=_course(course),
                       budget_seconds=budget_seconds)
    except (SubmissionError, SandboxUnavailable, InvalidBudget, DeclarationError) as error:
        raise UsageProblem(str(error)) from None
    except ZygoteError as error:
        raise click.ClickException(f"the grader could not start a worker process: {error}") from None
    except ReferenceMissing as error:
        raise UsageProblem(f"{error}. Checks need the reference solutions: pass --course DIR (the folder "
                           "holding reference/ and exercises/) or set GRADER_COURSE.") from None
    options = {"color": sys.stdout.isatty(), "verbose": verbose} if output_format == "text" else {}
    click.echo(FORMATS[output_format](report, **options))
    if verbose and not in_process:
        for line in shared_zygote().status.describe():   # on stderr where stdout is a document
            click.echo(line, err=output_format != "text")
    sys.exit(0 if report.all_passed else 1)


@main.command()
@click.argument("assignment", type=AssignmentChoice())
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="A new (or empty) folder for the bundle.")
@course_option
def release(assignment: str, out: Path, course: Path | None) -> None:
    """Build what students receive for ASSIGNMENT: stubs, notebook, public cases, public grader."""
    from .exercises import DeclarationError
    from .release import build_release
    try:
        files = build_release(assignment, out, course=_course(course))
    except (SubmissionError, DeclarationError) as error:
        raise UsageProblem(str(error)) from None
    click.echo(f"wrote {len(files)} files to {out} (no reference solution, no hidden cases)")


@main.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--assignment", required=True, type=AssignmentChoice(),
              help="The assignment every submission is graded against.")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for grades.csv, reports/ and gradescope/ (kept between runs).")
@click.option("--jobs", type=click.IntRange(min=1), help="Submissions graded at once [default: all cores].")
@click.option("--force", is_flag=True, help="Regrade students whose submission has not changed since the last run.")
@click.option("--public", "public_only", is_flag=True, help="Run only the public checks.")
@click.option("--allow-unsandboxed", is_flag=True,
              help="Run hidden checks even where student code cannot be fully sandboxed (trusted code only).")
@course_option
def batch(source: Path, assignment: str, out: Path, jobs: int | None, force: bool, public_only: bool,
          allow_unsandboxed: bool, course: Path | None) -> None:
    """Grade every submission in SOURCE: a folder (one file or subfolder per student) or an LMS export zip."""
    from .batch import BatchError, run_batch
    from .batch.summary import ProgressLine, format_table, format_totals
    try:
        result = run_batch(source=source, assignment=assignment, out=out, jobs=jobs, force=force,
                           public_only=public_only, allow_unsandboxed=allow_unsandboxed,
                           progress=ProgressLine(sys.stderr), course=course)
    except BatchError as error:
        raise UsageProblem(str(error)) from None
    if result.rows:
        click.echo(format_table(result.rows))
    click.echo(format_totals(result.rows, result.csv_path))
    sys.exit(0 if result.all_graded else 1)


@main.command("export-gradescope")
@click.option("--assignment", required=True, type=AssignmentChoice())
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The zip to write (replaced if it exists), e.g. autograder.zip.")
@click.option("--public-only", is_flag=True, help="Run only the public checks on Gradescope.")
@click.option("--allow-unsandboxed", is_flag=True,
              help="Run hidden checks on Gradescope even where student code cannot be sandboxed.")
@course_option
def export_gradescope(assignment: str, out: Path, public_only: bool, allow_unsandboxed: bool,
                      course: Path | None) -> None:
    """Build a Gradescope autograder zip for ASSIGNMENT (it holds the reference solution: keep it private)."""
    from .gradescope_export import ExportError, build_autograder
    try:
        members = build_autograder(assignment, out, public_only=public_only, allow_unsandboxed=allow_unsandboxed,
                                   course=_course(course))
    except ExportError as error:
        raise UsageProblem(str(error)) from None
    click.echo(f"wrote {out} ({len(members)} files). Upload it in Gradescope under Configure Autograder; "
               "see README.md inside for the sandbox caveat.")


@main.command()
@click.argument("assignment", required=False, type=AssignmentChoice())
@click.option("--seeds", type=click.IntRange(min=1), default=5, show_default=True,
              help="Hidden-case seeds the reference must get full marks on.")
@click.option("--in-process", is_flag=True,
              help="Grade the reference in this process instead of the sandbox (where none is available).")
@course_option
def validate(assignment: str | None, seeds: int, in_process: bool, course: Path | None) -> None:
    """Prove ASSIGNMENT's declarations (all assignments if omitted): the reference gets full marks,
    every declared mistake is caught and named, every configuration runs, the stub gets zero."""
    from .exercises import DeclarationError
    from .report.validation import format_validation
    from .validate import validate as run
    where = _course(course)
    try:
        names = [assignment] if assignment else where.catalogue().names()
        if not names:
            raise UsageProblem(where.catalogue().unknown("(any)"))
        if not in_process:
            start_shared_zygote()
        results = [run(name, where, seeds=seeds, sandboxed=not in_process) for name in names]
    except DeclarationError as error:
        raise UsageProblem(str(error)) from None
    except ZygoteError as error:
        raise click.ClickException(f"the grader could not start a worker process: {error} "
                                   "(--in-process grades the reference without the sandbox)") from None
    click.echo("\n\n".join(format_validation(result) for result in results))
    sys.exit(0 if all(result.ok for result in results) else 1)


@main.command("build-exercises")
@click.argument("assignment", required=False, type=AssignmentChoice())
@course_option
def build_exercises(assignment: str | None, course: Path | None) -> None:
    """Regenerate exercises/ASSIGNMENT/ASSIGNMENT.py and .ipynb from its lesson.py (all if omitted)."""
    from .authoring import main as build
    build(assignment=assignment, exercises_dir=_course(course).exercises_dir)


from .client import login, submit  # noqa: E402  (`grade login`, `grade submit`: an HTTP client, stdlib only)

main.add_command(login)
main.add_command(submit)

if __name__ == "__main__":
    main()
