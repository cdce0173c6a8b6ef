"""The `grade` command. Thin: each command parses options and calls the grader's Python API.

Exit codes: 0 every check passed, 1 some check failed, 2 bad usage (a missing file, a syntax
error in the submission, an unknown assignment).
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .engine import SandboxUnavailable, grade
from .exercises import ASSIGNMENTS
from .oracle import ReferenceMissing
from .release import build_release
from .report import FORMATS
from .sandbox.zygote import ZygoteError
from .submission import SubmissionError


class UsageProblem(click.ClickException):
    """A problem the user can fix; exits 2 like any usage error."""
    exit_code = 2


@click.group()
def main() -> None:
    """Grade backprop assignments: forward/backward functions of gates and layers."""


@main.command()
@click.argument("submission", type=click.Path(dir_okay=False, path_type=str))
@click.option("--assignment", type=click.Choice(sorted(ASSIGNMENTS)),
              help="Grade every function of this assignment (default: the exercise functions the file defines).")
@click.option("--public", "public_only", is_flag=True, help="Run only the public checks students get.")
@click.option("--seed", type=click.IntRange(min=0), help="Replay the hidden cases of this seed.")
@click.option("--format", "output_format", type=click.Choice(sorted(FORMATS)), default="text", show_default=True)
@click.option("--verbose", "-v", is_flag=True, help="List passed checks too (text format).")
@click.option("--in-process", is_flag=True,
              help="Run your code inside the grader's process (debugging on your own laptop; public checks only).")
@click.option("--allow-unsandboxed", is_flag=True,
              help="Run hidden checks even where student code cannot be fully sandboxed (trusted code only).")
def check(submission: str, assignment: str | None, public_only: bool, seed: int | None,
          output_format: str, verbose: bool, in_process: bool, allow_unsandboxed: bool) -> None:
    """Check SUBMISSION (a .py file, a notebook, or a zip of them) and explain every failure."""
    try:
        report = grade(submission, assignment=assignment, public_only=public_only, seed=seed,
                       in_process=in_process, allow_unsandboxed=allow_unsandboxed)
    except (SubmissionError, SandboxUnavailable) as error:
        raise UsageProblem(str(error)) from None
    except ZygoteError as error:
        raise click.ClickException(f"the grader could not start a worker process: {error}") from None
    except ReferenceMissing as error:
        raise UsageProblem(f"{error}. Checks need the reference solutions: run from a checkout of the "
                           "grader that has reference/.") from None
    options = {"color": sys.stdout.isatty(), "verbose": verbose} if output_format == "text" else {}
    click.echo(FORMATS[output_format](report, **options))
    sys.exit(0 if report.all_passed else 1)


@main.command()
@click.argument("assignment", type=click.Choice(sorted(ASSIGNMENTS)))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="A new (or empty) folder for the bundle.")
def release(assignment: str, out: Path) -> None:
    """Build what students receive for ASSIGNMENT: stubs, notebook, public cases, public grader."""
    try:
        files = build_release(assignment, out)
    except SubmissionError as error:
        raise UsageProblem(str(error)) from None
    click.echo(f"wrote {len(files)} files to {out} (no reference solution, no hidden cases)")


if __name__ == "__main__":
    main()
