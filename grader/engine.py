"""Grading one submission: pick the exercises, build the cases, run every check, score.

This is the grader's public API (`grade(...) -> Report`); the CLI and the server call it.
"""
from __future__ import annotations

import dataclasses
import re
import tempfile
import traceback
import warnings
from pathlib import Path

import numpy as np

from . import cases as case_sets
from .budget import Budget
from .cases.seeds import source_seed
from .checks import CheckSpec, checks_for, target_function
from .checks.common import Context
from .course import Course, find_course
from .diagnosis.tracebacks import exception_type, failing_line, raised
from .exercises import Catalogue, Exercise
from .exercises.kinds import Kind, KindRun
from .loading import load_submission
from .oracle import Oracle, oracle_for
from .results import Finding, Report, Status, TestResult, Visibility
from .runner.calls import Outcome
from .runner.redaction import HiddenRunner
from .runner.inprocess import InProcessRunner
from .runner.process import ProcessRunner
from .submission import Submission, SubmissionError

# The main check of each kind, by check name: checks with `after` / `credit_after` wait for these.
MAIN_CHECKS = {"forward": "main", "loss": "main", "gradient": "gradient"}


class SandboxUnavailable(Exception):
    """Hidden checks were asked for where student code cannot be fully isolated."""


def select_exercises(defined: frozenset[str], assignment: str | None, catalogue: Catalogue) -> list[Exercise]:
    """The exercises to grade: every one of `assignment`, or those whose functions the file defines."""
    if assignment is not None:
        if assignment not in catalogue:
            raise SubmissionError(catalogue.unknown(assignment))
        return list(catalogue[assignment])
    exercises = catalogue.defining(set(defined))
    if not exercises:
        known = ", ".join(ex.functions[0] for ex in catalogue.exercises()[:2]) + ", ..."
        raise SubmissionError("your file defines none of the exercise functions "
                              f"({known}); name them as in the assignment, or choose the assignment "
                              "(--assignment on the command line).")
    return exercises


def grade(path: str | Path, *, assignment: str | None = None, public_only: bool = False,
          seed: int | None = None, in_process: bool = False, allow_unsandboxed: bool = False,
          oracle: Oracle | None = None, runner_options: dict | None = None,
          course: Course | str | Path | None = None, budget_seconds: float | None = None) -> Report:
    """Grade a submission (.py, .ipynb or .zip) against `course` (a Course, a folder, or None to
    find it: see grader.course). Raises SubmissionError when it cannot be graded at all,
    SandboxUnavailable when hidden checks would run without full isolation (unless allowed), and
    CourseNotFound when there is no course to grade against.

    The whole grade has a time budget (`budget_seconds`, default GRADER_BUDGET_SECONDS or 60 s):
    checks it leaves no time for are reported as timeouts, and points earned before are kept."""
    budget = Budget(budget_seconds)
    course = course if isinstance(course, Course) else find_course(course)
    catalogue = course.catalogue()
    with tempfile.TemporaryDirectory(prefix="grader-submission-") as workdir:
        submission = load_submission(path, Path(workdir), catalogue.functions(assignment))
        exercises = select_exercises(submission.defined, assignment, catalogue)
        return _grade_loaded(submission, exercises=exercises, public_only=public_only, seed=seed,
                             in_process=in_process, allow_unsandboxed=allow_unsandboxed, oracle=oracle,
                             runner_options=runner_options, course=course, budget=budget)


def _grade_loaded(submission: Submission, *, exercises: list[Exercise], public_only, seed, in_process,
                  allow_unsandboxed, oracle, runner_options, course: Course, budget: Budget) -> Report:
    oracle = oracle or oracle_for(sorted({ex.assignment for ex in exercises}), course)
    seed = source_seed(submission.source) if seed is None else seed
    notes = list(submission.notes)
    if oracle.public_only and not public_only:
        public_only = True
        notes.append("This grader has the public checks only; the hidden checks run when you submit.")
    if in_process and not public_only and not allow_unsandboxed:
        public_only = True
        notes.append("In-process mode runs the public checks only: hidden cases never enter a process "
                     "that runs your code unsandboxed.")
    if not public_only and any(not isinstance(exercise, Kind) for exercise in exercises):
        notes.append(FRESH_PUBLIC_NOTE)     # a staged graph's or an engine's public inputs are fixed
    report = Report(seed=None if public_only else seed, notes=notes)
    # The worker's own deadline is the budget's, so that a call running past it is cut short too.
    options = dict(runner_options or {})
    options["total_timeout"] = min(options.get("total_timeout", budget.seconds), budget.remaining())
    runner = InProcessRunner(submission.path) if in_process else ProcessRunner(submission.path, **options)
    with runner:
        if not in_process:
            _check_isolation(runner.sandbox_status, public_only, allow_unsandboxed, report)
        # Drawn while the worker imports the submission (load_error() is the first to wait for it).
        cases = _draw_cases(exercises, oracle, public_only, seed, course.exercises_dir)
        load_error = runner.load_error()
        if load_error is not None:
            for exercise in exercises:
                report.tests.extend(_unloadable(exercise, load_error, public_only))
            report.student_output = runner.captured_output()   # what the import printed
        else:
            hidden_runner = HiddenRunner(runner, submission.path.name, submission.source)
            report.tests.extend(_grade_all(runner, hidden_runner, oracle, exercises, cases, report, budget,
                                           seed, course, submission.source))
    if submission.origins:
        report.tests = [dataclasses.replace(t, output=point_at_cells(t.output, submission))
                        for t in report.tests]
        report.student_output = point_at_cells(report.student_output, submission)
    return report


def point_at_cells(text: str, submission: Submission) -> str:
    """Rewrite `File "work.ipynb.py", line 12` in a traceback, and `work.ipynb.py:12:` at the start of
    a warning, as the notebook cell and line."""
    def replace(match: re.Match) -> str:
        line = int(match.group(1) or match.group(2))
        origin = submission.origins[line - 1] if 0 < line <= len(submission.origins) else None
        return f"cell {origin[0]}, line {origin[1]}{':' if match.group(2) else ''}" if origin else match.group(0)
    name = re.escape(submission.path.name)
    return re.sub(rf'File "{name}", line (\d+)|^{name}:(\d+):', replace, text, flags=re.MULTILINE)


def _check_isolation(status, public_only: bool, allow_unsandboxed: bool, report: Report) -> None:
    """Say once what isolation is missing; refuse hidden checks without it unless allowed."""
    if status.complete:
        return
    missing = "; ".join(status.why) or "isolation incomplete"
    if not public_only and not allow_unsandboxed:
        raise SandboxUnavailable(
            f"student code cannot be fully sandboxed here ({missing}), so hidden checks will not run. "
            "Run the public checks only (--public), or, if you trust this submission, pass --allow-unsandboxed.")
    report.notes.append(f"Sandbox incomplete: {missing}. Running with a separate process, resource limits "
                        "and timeouts.")


# Said in every report whose public checks ran on fresh values (see _draw_cases); another kind of
# exercise (a staged graph, an engine) keeps its public inputs, the ones its notebook shows.
FRESH_PUBLIC_NOTE = ("Graded on inputs you have not seen: the public checks used the public shapes with new values "
                     "(the released answers fit only your copy's), the hidden checks new shapes as well.")


def _draw_cases(exercises: list[Exercise | Kind], oracle, public_only: bool, seed: int,
                exercises_dir: Path) -> list[dict[Visibility, case_sets.CaseSet | None]]:
    """Per exercise, its public case set and, unless public_only, its hidden one (from `seed`).
    Another kind of exercise draws its own inputs when it grades: None for it.

    Where hidden checks run, the public checks run on the public shapes with values drawn from
    `seed` too: a release ships the public inputs with their answers (so that `grade check` works
    offline), and a file that looks its inputs up in that table must earn nothing."""
    fresh = None if public_only else seed
    visibilities = [Visibility.VISIBLE] + ([] if public_only else [Visibility.HIDDEN])
    drawn = [dict.fromkeys(visibilities) for _ in exercises]
    for exercise, sets in zip(exercises, drawn):
        if isinstance(exercise, Kind):
            continue
        sets[Visibility.VISIBLE] = case_sets.public_cases(exercise, oracle, exercises_dir, seed=fresh)
        if not public_only:
            sets[Visibility.HIDDEN] = case_sets.hidden_cases(exercise, oracle, seed, exercises_dir)
    return drawn


def _grade_all(runner, hidden_runner, oracle, exercises: list[Exercise | Kind],
               cases: list[dict[Visibility, case_sets.CaseSet | None]], report: Report, budget: Budget,
               seed: int, course: Course, source: bytes = b"") -> list[TestResult]:
    """Every public check first, then every hidden one (where `cases` has hidden sets). What the
    student's code prints is kept only from the public part, taken before any hidden input reaches
    the worker, even when it is empty: printed hidden inputs would be an answer key of sorts.
    The hidden checks call through `hidden_runner` (grader.runner.redaction): nothing the student's
    code wrote into an exception or a type's name reaches their findings."""
    ordered: list[tuple[tuple, TestResult]] = []
    main_findings: list[dict] = [{} for _ in exercises]
    across: list[dict] = [{} for _ in exercises]
    hidden_too = any(Visibility.HIDDEN in sets for sets in cases)
    text = source.decode("utf-8", "replace")
    for visibility in [Visibility.VISIBLE] + ([Visibility.HIDDEN] if hidden_too else []):
        through = runner if visibility is Visibility.VISIBLE else hidden_runner
        for position, exercise in enumerate(exercises):
            if isinstance(exercise, Kind):
                graded = _grade_kind(exercise, KindRun(through, visibility, seed, course, budget,
                                                       _recorded_answers(oracle, exercise), source, report.graphs))
            else:
                public = cases[position][Visibility.VISIBLE]
                graded = grade_exercise(Context(through, oracle, exercise, text, across=across[position],
                                                public_main=list(public.main) if public else [],
                                                public_edge=list(public.edge) if public else []),
                                        cases[position][visibility],
                                        main_findings[position], budget)
            for rank, result in graded:
                ordered.append(((position, rank, visibility is Visibility.HIDDEN), result))
        if visibility is Visibility.VISIBLE:
            report.student_output = runner.captured_output()
    # Said only when the hidden checks did print something (a note on every report is noise).
    if hidden_too and runner.captured_output() != report.student_output:
        report.notes.append("Output your code printed during the hidden checks is not shown.")
    return _pointed_at_public([result for _, result in sorted(ordered, key=lambda item: item[0])])


def _raised(result: TestResult) -> tuple[str, str] | None:
    """(exception type, the student's line that raised) of a check that ended in an exception."""
    said = raised(result.output) if result.status is Status.ERROR else None
    if said is None:
        return None
    kind, line = exception_type(said[1]), failing_line(said[1])
    return (kind, line) if kind and line else None


def _pointed_at_public(results: list[TestResult]) -> list[TestResult]:
    """A hidden check whose exception got no hint (its message is withheld, and the reading needed it)
    pointed at a public check of the same function that raised the same exception at the same line and
    did get one. Said as a pointer, under the neutral id: the public reading was proven on the public
    case, and another case may reach that line for another reason."""
    public = {}
    for result in results:
        raised = _raised(result) if result.visibility is Visibility.VISIBLE and result.hint else None
        if raised is not None:
            public.setdefault((result.function, *raised), result)
    pointed = []
    for result in results:
        raised = _raised(result) if result.visibility is Visibility.HIDDEN and not result.hint else None
        seen = public.get((result.function, *raised)) if raised else None
        if seen is not None:
            result = dataclasses.replace(result, hint=(
                f"The same line raised the same {raised[0]} in the public check \"{seen.check}\", which says: "
                f"{seen.hint}"))
        pointed.append(result)
    return pointed


def grade_exercise(ctx: Context, case_set: case_sets.CaseSet, main_findings: dict,
                   budget: Budget) -> list[tuple[int, TestResult]]:
    """The exercise's checks on one case set (public or hidden), each with its rank in report order."""
    exercise = ctx.exercise
    visibility = case_set.visibility
    specs = [(rank, spec) for rank, spec in enumerate(checks_for(exercise))
             if visibility is Visibility.VISIBLE or spec.hidden_too]
    ctx.built.clear()
    # Hidden cases of a function whose public checks failed would stop early too: no plan then.
    if not budget.expired and all(finding.passed for finding in main_findings.values()):
        _plan(ctx, [spec for _, spec in specs], case_set)
    results = []
    try:
        for rank, spec in specs:
            cases = spec.cases_of(case_set)
            prerequisite = _prerequisite(spec, visibility, main_findings)
            finding = prerequisite or _run_within(budget, spec, ctx, cases)
            finding = _credit(spec, finding, main_findings)
            if spec.name in MAIN_CHECKS:
                main_findings[(MAIN_CHECKS[spec.name], visibility)] = finding
            results.append((rank, TestResult(
                function=target_function(spec, exercise), check=spec.name, visibility=visibility,
                status=finding.status, score=spec.weight if finding.passed else 0.0, max_score=spec.weight,
                output=finding.output, hint=finding.hint, mistake=finding.mistake,
                measures=dict(finding.measures), wrong_gradients=finding.wrong_gradients)))
    finally:
        _end_plan(ctx.runner)
    return results


def _grade_kind(kind: Kind, run: KindRun) -> list[tuple[int, TestResult]]:
    """Another kind of exercise grades itself (grader.exercises.kinds); its results in its tests'
    order. A kind that crashes is the grader's bug, as a check's is: its tests are errors."""
    order = {(test.function, test.check): rank for rank, test in enumerate(kind.tests())}
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            results = kind.grade(run)
    except Exception:  # noqa: BLE001
        output = _internal_failure(f"{kind.name!r} exercise")
        results = [TestResult(test.function, test.check, run.visibility, Status.ERROR, 0.0, test.weight, output)
                   for test in kind.tests() if run.visibility is Visibility.VISIBLE or test.hidden_too]
    return [(order.get((result.function, result.check), len(order)), result) for result in results]


def _recorded_answers(oracle, kind: Kind):
    """A release's recorded answers for `kind` (None where the reference answers live)."""
    answers_of = getattr(oracle, "kind_answers", None)
    return answers_of(kind) if answers_of is not None else None


def _plan(ctx: Context, specs: list[CheckSpec], case_set) -> None:
    """Give the runner, at once, every batch of calls these checks will run if every case passes
    (grader.runner.plan): one message to the worker instead of one per check and case."""
    plan = getattr(ctx.runner, "plan", None)
    if plan is None:
        return
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            batches = [batch for spec in specs for batch in spec.plan(ctx, spec.cases_of(case_set))]
    except Exception:  # noqa: BLE001 - the check itself reports it when it runs into the same error
        return
    # A batch several checks read (Context.run) is run when the first of them asks: it is planned there.
    seen: set[int] = set()
    plan([batch for batch in batches if not (id(batch) in seen or seen.add(id(batch)))])


def _end_plan(runner) -> None:
    end_plan = getattr(runner, "end_plan", None)
    if end_plan is not None:
        end_plan()


def _prerequisite(spec: CheckSpec, visibility: Visibility, main_findings) -> Finding | None:
    """The finding to report instead of running `spec`, while the check it waits for fails."""
    if spec.after is None:
        return None
    main = main_findings.get((spec.after, visibility)) or main_findings.get((spec.after, Visibility.VISIBLE))
    if main is None or main.passed:
        return None
    if main.status in (Status.MISSING, Status.ERROR, Status.TIMEOUT, Status.SKIPPED):
        return main  # the same cause, reported the same way (an unfinished function says so once)
    return Finding(Status.SKIPPED, f"not checked until the {spec.after} check passes "
                                   "(same computation, harder inputs)")


def _credit(spec: CheckSpec, finding: Finding, main_findings) -> Finding:
    """A passed check whose points wait for the main check: no credit while that fails. A check that
    ran out of time where the main check did too has the main check's cause (the runner answers a
    function that hung with that timeout at once), said as the main check said it."""
    if spec.credit_after is None:
        return finding
    main = main_findings.get((spec.credit_after, Visibility.VISIBLE))
    if finding.status is Status.TIMEOUT and main is not None and main.status is Status.TIMEOUT:
        return main
    if not finding.passed:
        return finding
    if main is None or main.passed:
        return finding
    if main.status in (Status.MISSING, Status.ERROR, Status.TIMEOUT, Status.SKIPPED):
        return main
    return Finding(Status.SKIPPED, f"passes, but earns its points only once the "
                                   f"{spec.credit_after} check passes")


def _run_within(budget: Budget, spec: CheckSpec, ctx: Context, cases) -> Finding:
    """Run the check if the budget has time left; a check it cut short says so, not 'too slow'."""
    if budget.expired:
        return budget.finding()
    finding = _run_check(spec, ctx, cases)
    return budget.finding() if finding.status is Status.TIMEOUT and budget.expired else finding


def _run_check(spec: CheckSpec, ctx: Context, cases) -> Finding:
    """A check that crashes is the grader's bug: report it as an error, never stop the grade.

    Warnings are silenced: checks judge NaN and inf explicitly, and diagnosing a wrong answer
    may compute other wrong answers that overflow.
    """
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return spec.run(ctx, cases)
    except Exception:  # noqa: BLE001
        return Finding(Status.ERROR, _internal_failure(f"{spec.name!r} check"))


def _internal_failure(what: str) -> str:
    """What a student reads when the grader's own code raised (called in the except block)."""
    where = traceback.format_exc(limit=-2).strip().splitlines()[-1]
    return f"the grader's {what} failed internally ({where}); please report this to your instructor"


def _unloadable(exercise: Exercise | Kind, load_error: Outcome, public_only: bool) -> list[TestResult]:
    """Every check of an exercise fails the same way when the file cannot be imported."""
    error = load_error.error or {}
    detail = error.get("traceback") or load_error.detail or "unknown error"
    status = Status.TIMEOUT if load_error.status == "timeout" else Status.ERROR
    output = f"your file could not be imported:\n{detail}"
    hint = ("Importing your file must only define functions: move experiments under "
            "`if __name__ == '__main__':`." if status is Status.TIMEOUT else
            "Fix the error above; it happens when your file is imported, before any function runs.")
    if isinstance(exercise, Kind):
        tests = [(test.function, test.check, test.weight, test.hidden_too) for test in exercise.tests()]
    else:
        tests = [(target_function(spec, exercise), spec.name, spec.weight, spec.hidden_too)
                 for spec in checks_for(exercise)]
    visibilities = [Visibility.VISIBLE] + ([] if public_only else [Visibility.HIDDEN])
    return [TestResult(function, check, visibility, status, 0.0, weight, output, hint, mistake="import_failed")
            for function, check, weight, hidden_too in tests
            for visibility in visibilities if visibility is Visibility.VISIBLE or hidden_too]
