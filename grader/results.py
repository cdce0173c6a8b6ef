"""Result types: what a check finds and what a grade adds up to.

Checks return these; nothing here prints. Formatting lives in grader.report.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"        # the student's function raised, or returned something unusable
    TIMEOUT = "timeout"
    MISSING = "missing"    # not defined, or still raises NotImplementedError
    SKIPPED = "skipped"    # could not run because something it needs failed first


class Visibility(StrEnum):
    VISIBLE = "visible"    # public cases, shipped to students
    HIDDEN = "hidden"      # fresh cases from the submission's seed


@dataclass(frozen=True)
class Finding:
    """The verdict of one check on one case, before it is scored.

    `output` says what happened; `hint` says what to do. Neither may contain hidden input values.
    """
    status: Status
    output: str = ""
    hint: str | None = None

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED


PASS = Finding(Status.PASSED)


@dataclass(frozen=True)
class TestResult:
    """One scored line of a report: a check of one student function on one visibility."""
    function: str
    check: str
    visibility: Visibility
    status: Status
    score: float
    max_score: float
    output: str = ""
    hint: str | None = None

    @property
    def name(self) -> str:
        return f"{self.function}: {self.check} ({'public' if self.visibility is Visibility.VISIBLE else 'hidden'})"

    def to_dict(self) -> dict:
        data = asdict(self)
        data["status"] = str(self.status)
        data["visibility"] = str(self.visibility)
        return {"name": self.name, **data}


@dataclass
class Report:
    """Every test of one submission, in the order they ran."""
    tests: list[TestResult] = field(default_factory=list)
    seed: int | None = None
    notes: list[str] = field(default_factory=list)
    student_output: str = ""     # what the student's code printed (theirs, never parsed)

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.tests), 6)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_score for t in self.tests), 6)

    @property
    def all_passed(self) -> bool:
        return all(t.status is Status.PASSED for t in self.tests)

    def functions(self) -> list[str]:
        """Student functions in report order, each once."""
        return list(dict.fromkeys(t.function for t in self.tests))

    def to_dict(self) -> dict:
        return {
            "score": self.score,
            "max_score": self.max_score,
            "seed": self.seed,
            "notes": list(self.notes),
            "student_output": self.student_output,
            "tests": [t.to_dict() for t in self.tests],
        }
