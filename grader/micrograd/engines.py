"""The trusted engines run in the grader's own process: the course's reference `Value` (the expected
numbers) and mutants of it (the reference with one known mistake made, declared in the hidden half),
driven by the very interpreter the worker runs (grader.runner.autograd_programs)."""
from __future__ import annotations

import types
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..runner import autograd_programs


@dataclass(frozen=True)
class Mutant:
    """The reference with one mistake made: `edits` are (text, replacement) pairs applied to the
    reference's source, each text found exactly once. `test` is the test that must name it."""
    mistake: str
    test: str
    edits: tuple[tuple[str, str], ...]


class MutantDoesNotApply(Exception):
    """An edit's text is not found exactly once in the reference (the reference changed)."""


def mutant_source(reference: str, mutant: Mutant) -> str:
    source = reference
    for old, new in mutant.edits:
        if source.count(old) != 1:
            raise MutantDoesNotApply(f"mutant {mutant.mistake}: {old.strip().splitlines()[0]!r} is found "
                                     f"{source.count(old)} times in the reference, not once")
        source = source.replace(old, new)
    return source


@lru_cache(maxsize=64)
def module_from_source(source: str, filename: str) -> types.ModuleType:
    """A module executed from trusted source (the reference or a mutant of it), cached by text."""
    module = types.ModuleType("micrograd_reference")
    module.__file__ = filename
    exec(compile(source, filename, "exec"), module.__dict__)
    return module


def reference_module(path: Path) -> types.ModuleType:
    return module_from_source(path.read_text(encoding="utf-8"), str(path))


def run(module: types.ModuleType, spec: dict) -> tuple[dict, BaseException | None]:
    """One program (or network step) on a trusted engine."""
    helper = autograd_programs.run_network if "nin" in spec else autograd_programs.run_program
    return helper(module, spec)
