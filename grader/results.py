"""Result types: what a check finds and what a grade adds up to.

Checks return these; nothing here prints. Formatting lives in grader.report.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

# The measured numbers a failed test may carry, by key (the dashboard stores each in its own column):
#   relative_error  |student - expected| / |expected| of the compared values (norm-wise)
#   scale           the least-squares factor fitting the student's gradient to the reference's
#   cosine          the cosine between the student's gradient and the reference's
MEASURE_KEYS = ("relative_error", "scale", "cosine")


def rounded_score(value: float) -> float:
    """A score as people see it, the one rounding of every grade (terminal, pages, exports, API):
    two decimals, half away from zero, float noise removed first (100 * 71.5 / 80 is
    89.37499999999999 in binary and reads 89.38)."""
    exact = Decimal(repr(float(value))).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def score_text(value: float) -> str:
    """rounded_score as text without trailing zeros: '89.38', '100', '7.5'."""
    text = f"{rounded_score(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


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
    mistake: str | None = None          # a stable id of the named mistake (grader.diagnosis), or None
    measures: dict = field(default_factory=dict)   # MEASURE_KEYS -> float
    # A failed gradient check: every gradient found wrong on the failing case, in the exercise's
    # order (("dx", "db")), while `mistake` names the first. Empty when unknown (the backward raised,
    # or could not run): the dashboard counts students per gradient from it.
    wrong_gradients: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED


PASS = Finding(Status.PASSED)


@dataclass(frozen=True)
class TestResult:
    """One scored line of a report: a check of one student function on one visibility."""
    __test__ = False     # not a pytest test class, whatever its name
    function: str
    check: str
    visibility: Visibility
    status: Status
    score: float
    max_score: float
    output: str = ""
    hint: str | None = None
    mistake: str | None = None
    measures: dict = field(default_factory=dict)
    wrong_gradients: tuple[str, ...] = ()     # see Finding

    @property
    def name(self) -> str:
        return f"{self.function}: {self.check} ({'public' if self.visibility is Visibility.VISIBLE else 'hidden'})"

    def to_dict(self) -> dict:
        # Field by field: dataclasses.asdict deep-copies every value, and a server's worker turns
        # ~70 of these into JSON at every grade.
        return {"name": self.name, "function": self.function, "check": self.check,
                "visibility": str(self.visibility), "status": str(self.status), "score": self.score,
                "max_score": self.max_score, "output": self.output, "hint": self.hint, "mistake": self.mistake,
                "measures": dict(self.measures), "wrong_gradients": list(self.wrong_gradients)}

    @classmethod
    def from_dict(cls, data: dict) -> "TestResult":
        """The inverse of to_dict (a stored report read back for rendering); unknown keys are ignored."""
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        values["status"] = Status(values["status"])
        values["visibility"] = Visibility(values["visibility"])
        values["measures"] = dict(values.get("measures") or {})
        values["wrong_gradients"] = tuple(values.get("wrong_gradients") or ())   # absent from older reports
        return cls(**values)


@dataclass
class Report:
    """Every test of one submission, in the order they ran."""
    tests: list[TestResult] = field(default_factory=list)
    seed: int | None = None
    notes: list[str] = field(default_factory=list)
    student_output: str = ""     # what the student's code printed (theirs, never parsed)
    # Plain data another kind of exercise shows beside its tests: a staged graph's nodes, in the
    # order graded, each with its state (grader.graphs.kind.graph_view). Rendered by grader.report.
    graphs: list[dict] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.tests), 6)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_score for t in self.tests), 6)

    @property
    def all_passed(self) -> bool:
        return all(t.status is Status.PASSED for t in self.tests)

    def for_students(self) -> "Report":
        """What a student may see of this report: the same, but no measure of a hidden check.

        A hidden check's scale and cosine give back the reference's answer (a unit vector's cosine
        squared over its scale is one component of it), and its full-precision relative error helps
        solve for the rest; staff and the dashboard keep them (the stored report is this one). Every
        format a student reads (grader.report) and the server's student pages and API render this.
        """
        tests = [dataclasses.replace(t, measures={}) if t.visibility is Visibility.HIDDEN and t.measures else t
                 for t in self.tests]
        return dataclasses.replace(self, tests=tests, notes=list(self.notes), graphs=list(self.graphs))

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
            **({"graphs": [dict(g) for g in self.graphs]} if self.graphs else {}),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Report":
        """A report read back from its to_dict() form (e.g. JSON stored by the server)."""
        return cls(tests=[TestResult.from_dict(t) for t in data.get("tests", [])], seed=data.get("seed"),
                   notes=list(data.get("notes", [])), student_output=data.get("student_output", ""),
                   graphs=list(data.get("graphs") or []))
