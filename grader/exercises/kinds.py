"""Exercise kinds other than a forward/backward pair: the contract such a declaration keeps.

Most exercises are `Exercise`s (grader.exercises.base): a forward and a backward that the generic
checks judge case by case. Some exercises are graded another way: a staged computational graph
graded node by node, or a student-written autograd class exercised by generated programs. Each
such kind is a class deriving from `Kind`, declared in an assignment's EXERCISES beside ordinary
exercises. The catalogue, the grading loop (grader.engine), `grade validate`, releases and the
server treat a kind only through this contract, so adding a kind touches none of them.

A kind's declaration is instructor code, trusted like any declaration: it runs in the grader's
process. The student's code still runs only in the sandboxed worker, reached through
`KindRun.runner`, and what comes back is numbers (grader.runner.protocol), never objects.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Mapping

if TYPE_CHECKING:
    import numpy as np

    from ..budget import Budget
    from ..course import Course
    from ..results import TestResult, Visibility
    from ..validate import Validation


@dataclass(frozen=True)
class KindTest:
    """One test a kind reports, as the grading loop must know it before it runs: to give every test
    its zero when the submission cannot be imported, and to say what the assignment is worth."""
    function: str          # the student function (or notebook name) the test is about
    check: str             # the test's name ("node dlogprobs", "engine programs")
    weight: float
    hidden_too: bool = False   # also reported on the hidden cases


@dataclass
class KindRun:
    """What a kind's `grade` gets for one visibility (public, then hidden).

    `runner` calls the student's functions in the worker (`runner.call(...)`, `runner.run(...)`, as
    the checks do: grader.runner.calls); for the hidden part it is the redacting runner, which keeps
    what the student's code wrote into an exception out of the findings. `seed` is the
    submission's: hidden inputs are drawn from it. `answers` is the kind's own recorded answers
    (`Kind.record_public`) in a student's release, which has no reference/; None where the course
    has its reference, which the kind then reads itself (`course.reference_dir`). `source` is the
    submission's module (a notebook's, converted), for a kind that reads its shape without running
    it (the parameter names of a function); `graphs` collects plain data a kind shows beside its
    tests (a staged graph's nodes), which the report keeps as `Report.graphs`."""
    runner: object
    visibility: "Visibility"
    seed: int
    course: "Course"
    budget: "Budget"
    answers: Mapping[str, "np.ndarray"] | None = None
    source: bytes = b""
    graphs: list[dict] | None = None


class Kind:
    """Base class of a declaration that is not a forward/backward pair.

    A kind is a frozen dataclass deriving from this class, with at least the fields `name`,
    `assignment` (set by the catalogue), `mistake_ids` ({id: meaning}: what its tests can name,
    for the dashboard's and README's catalogue) and `hidden` (its instructor half, an instance of
    `hidden_type`, read from reference/<assignment>/hidden.py; None in a release or when the kind
    has none). It must say which student functions it grades (`functions`), the tests it reports
    (`tests`) and grade them (`grade`); it may check its own declaration (`problem`), prove itself
    in `grade validate` (`validate`) and record the answers a release needs (`record_public`).
    """
    name: str
    assignment: str
    mistake_ids: dict[str, str]
    hidden: object | None
    # The type HIDDEN[name] must have in reference/<assignment>/hidden.py (None: the kind has none).
    hidden_type: ClassVar[type | None] = None

    @property
    def functions(self) -> tuple[str, ...]:
        """The student functions (or names a notebook assigns) this exercise grades: a submission
        defining any of them selects it."""
        raise NotImplementedError

    @property
    def is_loss(self) -> bool:          # the forward/backward vocabulary, for code that reads both
        return False

    def value_names(self) -> tuple[str, ...]:
        """Results whose generic value ids (`<name>_wrong`, ...) this kind's tests can give."""
        return ()

    def problem(self) -> str | None:
        """What is wrong with this declaration's own fields, or None (the catalogue asks at load)."""
        return None

    def tests(self) -> list[KindTest]:
        """Every test this exercise reports, in report order."""
        raise NotImplementedError

    def grade(self, run: KindRun) -> list["TestResult"]:
        """Grade the submission: one TestResult per test of `tests()` that runs at `run.visibility`
        (a hidden_too test at both). Never raises for the student's doing: a student's exception,
        timeout or garbage is a failed result that says so."""
        raise NotImplementedError

    def validate(self, course: "Course", seeds: int, sandboxed: bool, result: "Validation") -> None:
        """Prove the declaration for `grade validate`: append problems (`result.problems`) and one
        row per declared mistake (`result.mistakes`). The generic part (the reference's full marks,
        the stub's zero) is done already."""

    def record_public(self, course: "Course") -> dict[str, "np.ndarray"]:
        """The answers this exercise's public tests need where there is no reference/ (a student's
        release): they come back as `KindRun.answers`. Keys are the kind's own."""
        return {}


def is_kind(exercise) -> bool:
    return isinstance(exercise, Kind)
