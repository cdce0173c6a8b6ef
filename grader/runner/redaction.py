"""What comes back from a hidden check's calls, stripped of every text the student's code chose.

Whatever a student's process sends is under its control: an exception's message (an f-string of
the hidden inputs), the source lines of a traceback (linecache can be rewritten), the names of
its functions and classes (a class named after a hidden value), a forged reply. On a public case
that is the student's own business; on a hidden one it would carry the hidden inputs into the
report. So the hidden checks see their outcomes through `HiddenRunner`, which keeps of an
exception its type (a built-in one by name, any other as "an exception of your own class") and
the lines of the student's file it went through, with the source text of those lines read by the
grader from its own copy of the file; and of an object that cannot cross the boundary, only its
type when that is a built-in or numpy one.
"""
from __future__ import annotations

import ast
import builtins
import dataclasses
import re

import numpy as np

from .calls import Call, Outcome
from .protocol import Opaque

MAX_FRAMES = 20
NOTE = "(the message of an exception in a hidden check is not shown: it could carry hidden inputs)"


class HiddenRunner:
    """A runner for the hidden cases: the same calls, outcomes redacted (see the module)."""

    def __init__(self, runner, file_name: str, source: bytes):
        self._runner = runner
        self._file_name = file_name
        self._lines = source.decode("utf-8", "replace").splitlines()
        self._imports = imported_modules(source)

    def run(self, calls: list[Call]) -> list[Outcome]:
        return [self.redact(outcome) for outcome in self._runner.run(calls)]

    # Plans are recognised by identity (the very same batch lists): passed through untouched.
    def plan(self, batches: list[list[Call]]) -> None:
        plan = getattr(self._runner, "plan", None)
        if plan is not None:
            plan(batches)

    def end_plan(self) -> bool:
        end_plan = getattr(self._runner, "end_plan", None)
        return end_plan() if end_plan is not None else True

    def load_error(self) -> Outcome | None:
        outcome = self._runner.load_error()
        return None if outcome is None else self.redact(outcome)

    def captured_output(self) -> str:
        return ""        # what the student printed during hidden checks is never shown

    def aside(self) -> "HiddenRunner":
        """The wrapped runner's second worker, redacted the same way."""
        aside = getattr(self._runner, "aside", None)
        other = HiddenRunner.__new__(HiddenRunner)
        other.__dict__.update(self.__dict__)
        other._runner = aside() if aside is not None else self._runner
        return other

    def close(self) -> None:
        """The wrapped runner is closed by whoever opened it."""

    def redact(self, outcome: Outcome) -> Outcome:
        error = self._error(outcome.error) if outcome.error is not None else None
        outline = {key: value for key, value in outcome.outline.items() if key == "len"}
        if "type" in outcome.outline:
            outline["type"] = safe_type_name(outcome.outline["type"])
        # replace(): every other field (the status, timings, counts the grader made) kept as it is
        return dataclasses.replace(
            outcome, value=_redact_value(outcome.value), outline=outline, error=error,
            args_after=None if outcome.args_after is None else _redact_value(outcome.args_after))

    def _error(self, error: dict) -> dict:
        kind = error.get("type", "")
        shown_kind = kind if _builtin_exception(kind) else f"an exception of {OWN_CLASS}"
        frames = []
        for line in error.get("lines") or []:
            if type(line) is int and 0 < line <= len(self._lines):
                frames.append(f'  File "{self._file_name}", line {line}\n    {self._lines[line - 1].strip()}\n')
        trace = "".join(frames[-MAX_FRAMES:]) + f"{shown_kind} {NOTE}"
        redacted = {"type": kind if _builtin_exception(kind) else "", "message": "", "traceback": trace,
                    "lines": []}
        module = self._imported_as(error.get("module"))
        if module is not None:
            redacted["module"] = module
        return redacted

    def _imported_as(self, module) -> str | None:
        """A missing module the worker names, if the file's own import statements name it (so that it
        carries nothing but what the file says): `cs231n.fast_layers` is the file's `.fast_layers`
        when the student's package was imported as cs231n."""
        if not isinstance(module, str):
            return None
        if module in self._imports:
            return module
        relative = "." + module.split(".", 1)[1] if "." in module.lstrip(".") else None
        return relative if relative in self._imports else None


def imported_modules(source: bytes) -> frozenset[str]:
    """Every module name the import statements of `source` name, with their leading packages
    (`scipy` for `import scipy.signal`), relative ones with their dot (`.fast_layers`)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return frozenset()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            found = [base] + [f"{base.rstrip('.')}.{alias.name}" if node.module else base + alias.name
                              for alias in node.names if alias.name != "*"]
        else:
            continue
        for name in found:
            dots = len(name) - len(name.lstrip("."))
            parts = name[dots:].split(".")
            names.update(name[:dots] + ".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return frozenset(names)


def _builtin_exception(name) -> bool:
    kind = getattr(builtins, name, None) if isinstance(name, str) and name.isidentifier() else None
    return isinstance(kind, type) and issubclass(kind, BaseException)


# The markers the worker and the decoder write themselves, with whatever part of them the
# student's code chose (a subclass's name, a structured dtype's field names) left out.
_NDARRAY_SUBCLASS = re.compile(r"(.*) \(a subclass of numpy\.ndarray\)\Z", re.S)
_ODD_DTYPE = re.compile(r"numpy array of dtype .*\Z", re.S)
_GRADER_MARKERS = frozenset({"missing", "nesting too deep", "int"})
OWN_CLASS = "<your own class>"


def safe_type_name(name) -> str:
    """`name` if it is a type the student's code cannot have named (a built-in or numpy type, or a
    marker the grader writes), else a description that carries nothing the student chose."""
    if not isinstance(name, str):
        return OWN_CLASS
    if name in _GRADER_MARKERS or _known_type(name):
        return name
    subclass = _NDARRAY_SUBCLASS.match(name)
    if subclass:
        return name if _known_type(subclass.group(1)) else f"{OWN_CLASS} (a subclass of numpy.ndarray)"
    if _ODD_DTYPE.match(name):
        return "numpy array of a dtype the grader does not read"
    return OWN_CLASS


def _known_type(name: str) -> bool:
    """A built-in or numpy type by its name (MaskedArray, matrix) or a numpy type by its dotted path
    (numpy.ma.core.MaskedArray): looked up in the grader's own modules, so that what passes is one
    of a fixed set of names, whatever class the student made."""
    if name.isidentifier():
        return any(isinstance(getattr(module, name, None), type) for module in (builtins, np, np.ma))
    parts = name.split(".")
    if parts[0] != "numpy" or not all(part.isidentifier() and not part.startswith("__") for part in parts):
        return False
    found = np
    for part in parts[1:]:
        found = getattr(found, part, None)
    return isinstance(found, type)


def _redact_value(value):
    if isinstance(value, Opaque):
        return Opaque(safe_type_name(value.type_name))
    if type(value) in (tuple, list):
        return type(value)(_redact_value(item) for item in value)
    if type(value) is dict:
        return {key: _redact_value(item) for key, item in value.items()}
    return value
