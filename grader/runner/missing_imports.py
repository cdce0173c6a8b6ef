"""Stand-ins for the modules a submission imports and the worker does not have.

A CS231n `layers.py` starts with `from .fast_layers import *` or `import scipy`, often unused; a
failed import at the top of the file used to fail the whole file, so that one unused import scored
0. While the worker imports the submission (and runs its functions), an import the student's own
code makes of a module that is not there gives a stand-in instead: a module whose every attribute is
a placeholder, and a placeholder fails, with a ModuleNotFoundError naming the import, only when it is
used. The functions that use the import fail with that message; the others are graded.

An import inside a `try` that handles ImportError is the student's own fallback (`try: import
scipy / except ImportError: ...`) and fails as usual; so does an import made by a library (numpy's
optional modules), never by the student's code.

Loaded by the worker harness (grader/runner/worker_main.py): it runs with student code.
"""
from __future__ import annotations

import ast
import contextlib
import importlib.abc
import importlib.machinery
import os
import sys
import types

# Exceptions an `except` clause names that catch a failed import.
_CATCHES_IMPORT = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


def missing_message(root: str) -> str:
    return (f"your file imports `{root}`, which the grader does not have (only numpy and Python's standard "
            "library are there)")


class _Placeholder:
    """What a stand-in module's attributes are: usable as a name, failing when used as a value.

    While the file is being imported (`deferring`), calling one gives another placeholder, so that a
    decorator from a missing module (`@jit`) fails the decorated function only, when it is called.
    """
    __slots__ = ("_imports", "_module", "_name")

    def __init__(self, imports: "MissingImports", module: str, name: str):
        object.__setattr__(self, "_imports", imports)
        object.__setattr__(self, "_module", module)     # the missing module's full name
        object.__setattr__(self, "_name", name)         # what the student's code wrote to get here

    def _fail(self, *_args, **_kwargs):
        root = self._imports.shown(self._module)
        raise ModuleNotFoundError(f"{missing_message(root)}: `{self._name}` was used", name=self._module)

    def __getattr__(self, attribute: str):
        if attribute.startswith("__") and attribute.endswith("__"):
            raise AttributeError(attribute)
        return _Placeholder(self._imports, self._module, f"{self._name}.{attribute}")

    def __call__(self, *args, **kwargs):
        if self._imports.deferring:
            return self     # still what the student's code took from the missing module
        self._fail()

    def __repr__(self) -> str:
        return f"<{self._name}: not available, {self._imports.shown(self._module)} is missing>"

    __setattr__ = __delattr__ = __getitem__ = __setitem__ = __delitem__ = _fail
    __iter__ = __len__ = __contains__ = __bool__ = __index__ = __int__ = __float__ = __complex__ = _fail
    __array__ = __array_ufunc__ = __array_function__ = __enter__ = __exit__ = _fail
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __matmul__ = __rmatmul__ = _fail
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = __pow__ = __rpow__ = _fail
    __neg__ = __pos__ = __abs__ = __lt__ = __le__ = __gt__ = __ge__ = _fail


class _StandInModule(types.ModuleType):
    """A missing module: a package (so that `import scipy.signal` reaches the finder again) whose
    public attributes are placeholders; `from m import *` imports nothing from it."""

    def __init__(self, name: str, imports: "MissingImports"):
        super().__init__(name, f"stand-in: {missing_message(imports.shown(name))}")
        self.__path__ = []
        self.__grader_stand_in__ = True
        self._placeholder = _Placeholder(imports, name, imports.displayed(name))

    def __getattr__(self, attribute: str):
        if attribute.startswith("__") and attribute.endswith("__"):
            raise AttributeError(attribute)
        return getattr(self._placeholder, attribute)


class MissingImports(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """The last finder on sys.meta_path while it is active (a context manager): consulted only for a
    module no other finder found, and answering only for imports the student's files make."""

    def __init__(self, folder: str, package: str | None = None, made_up: bool = False):
        """`folder` holds the student's files; `package` is what the submission was imported into
        (its folder's name, or one the worker made up, which messages show as a leading dot)."""
        self.folder = folder.rstrip(os.sep) + os.sep
        self.made_up_package = package if made_up else None
        self.own_package = None if made_up else package
        self.deferring = False
        self._made: list[str] = []          # the stand-ins in sys.modules, taken out when inactive
        self._trees: dict[str, ast.Module | None] = {}

    @contextlib.contextmanager
    def active(self, *, deferring: bool = False):
        self.deferring = deferring
        sys.meta_path.append(self)
        try:
            yield self
        finally:
            # The student's module keeps the stand-ins it holds; an import made later (in the
            # grader's own process, --in-process) must not find one.
            self.deferring = False
            with contextlib.suppress(ValueError):
                sys.meta_path.remove(self)
            for name in self._made:
                if getattr(sys.modules.get(name), "__grader_stand_in__", False):
                    del sys.modules[name]
            self._made.clear()

    # -- the finder ---------------------------------------------------------------------------

    def find_spec(self, name, path=None, target=None):
        importer = self._importer()
        if importer is None:
            return None
        filename, line = importer
        if self._handled(filename, line):
            return None
        return importlib.machinery.ModuleSpec(name, self, is_package=True)

    def create_module(self, spec):
        self._made.append(spec.name)
        return _StandInModule(spec.name, self)

    def exec_module(self, module) -> None:
        """Nothing to run: the stand-in is all there is."""

    # -- whose import it is ---------------------------------------------------------------------

    def shown(self, name: str) -> str:
        """The import as the student wrote it: `scipy` for scipy.signal, `.fast_layers` for a sibling
        of a package the worker made up, `cs231n.im2col` for a file of the student's package, and
        `numpy.foo` whole when numpy is there and numpy.foo is not."""
        if self.made_up_package and name.startswith(self.made_up_package + "."):
            return "." + name[len(self.made_up_package) + 1:].split(".")[0]
        if self.own_package and name.startswith(self.own_package + "."):
            return ".".join(name.split(".")[:2])
        root = name.split(".")[0]
        there = sys.modules.get(root)
        if there is not None and not hasattr(there, "__grader_stand_in__"):
            return name
        return root

    def displayed(self, name: str) -> str:
        """`name` as the student's code spells it: the made-up package's modules relatively."""
        if self.made_up_package and name.startswith(self.made_up_package + "."):
            return name[len(self.made_up_package):]
        return name

    def _importer(self) -> tuple[str, int] | None:
        """(file, line) of the import statement, when one of the student's files made it."""
        frame = sys._getframe(2)
        while frame is not None:
            filename = frame.f_code.co_filename
            if not (filename.startswith("<frozen importlib") or filename == __file__):
                break
            frame = frame.f_back
        if frame is None:
            return None
        filename = os.path.realpath(frame.f_code.co_filename)
        if not filename.startswith(self.folder):
            return None
        return filename, frame.f_lineno

    def _handled(self, filename: str, line: int) -> bool:
        """Whether the import at `line` is inside a `try` whose handlers catch its ImportError."""
        if filename not in self._trees:
            try:
                with open(filename, "rb") as file:
                    self._trees[filename] = ast.parse(file.read())
            except (OSError, SyntaxError, ValueError):
                self._trees[filename] = None
        tree = self._trees[filename]
        if tree is None:
            return False
        for node in ast.walk(tree):
            if isinstance(node, ast.Try) and node.body and \
                    node.body[0].lineno <= line <= node.body[-1].end_lineno and \
                    any(_catches_import(handler) for handler in node.handlers):
                return True
        return False


def _catches_import(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(getattr(kind, "id", getattr(kind, "attr", None)) in _CATCHES_IMPORT for kind in kinds)
