"""A module's functions with some of them replaced, the module itself untouched.

Two places run a function changed in one place by the grader: one_change runs a changed reference
in the grading process, and the worker runs a changed student function (grader.checks.code_fixes).
Both need the same copy: every function of the module rebound to a copy of its namespace, and the
changed definitions executed there, so that a changed helper is what its callers call. Imported by
the worker as a plain module (it has nothing of the grader on its path), so it imports no grader code.
"""
from __future__ import annotations

import types


def namespace_with(module: types.ModuleType, code) -> dict:
    """A copy of `module`'s namespace whose functions all live in the copy, with `code` (compiled
    definitions, or their source) executed in it."""
    original = vars(module)
    namespace = dict(original)
    for name, value in original.items():
        if isinstance(value, types.FunctionType) and value.__globals__ is original:
            rebound = types.FunctionType(value.__code__, namespace, value.__name__, value.__defaults__,
                                         value.__closure__)
            rebound.__kwdefaults__ = value.__kwdefaults__
            namespace[name] = rebound
    exec(code, namespace)
    return namespace
