"""The worker harness: what a sandboxed worker process runs to import a student's module and
call its functions.

Loaded by the zygote (grader/sandbox/zygote_main.py) before any student code exists; each forked
worker reads requests from one pipe and streams one response per call to another, in
grader.runner.protocol's format. It is the only place student code runs, so it knows nothing secret: it receives inputs and
returns outputs, and everything it sends back is validated by the grader.

Objects that cannot cross the boundary (a forward's cache) stay here, saved under a name the grader
chooses, so that a later call (the backward) can receive them by reference.
"""
from __future__ import annotations

import ast
import contextlib
import importlib.util
import keyword
import os
import threading
import sys
import time
import traceback
import types
import warnings

import numpy as np  # imported before student code, so a student cannot shadow it

if __package__:  # imported by the grader for --in-process debugging
    from . import autograd_programs, protocol, rebinding
    from .missing_imports import MissingImports
else:  # run as a script by the process runner, with nothing of the grader on its path
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import autograd_programs
    import protocol
    import rebinding
    from missing_imports import MissingImports

# Trusted helpers a step may name (`helper`): grader code that drives the student's function or
# class (step["fn"]) and returns (numbers, the student's exception or None).
HELPERS = dict(autograd_programs.HELPERS)

MODULE_NAME = "submission"
# The package a loose file with relative imports (`from .fast_layers import *`) is imported into.
MADE_UP_PACKAGE = "_submission_package"


class CallCounter:
    """Counts the calls of one function of the submission while a call runs: a profiler that
    matches the function's code object, so an alias (f = affine_forward) counts too, and a call
    that removed the profiler counts -1. It runs in the student's process, so code written to
    rewrite the harness could still hide its calls: it stops the plain attack (central
    differences through the forward), not a student who also attacks the worker."""

    def __init__(self, function) -> None:
        self.code = getattr(function, "__code__", None)
        self.count = 0

    def _profile(self, frame, event, _arg) -> None:
        if event == "call" and frame.f_code is self.code:
            self.count += 1

    def __enter__(self) -> "CallCounter":
        if self.code is not None:
            sys.setprofile(self._profile)
            threading.setprofile(self._profile)
        return self

    def __exit__(self, *_exc) -> None:
        if self.code is None:
            return
        if sys.getprofile() != self._profile:
            self.count = -1
        sys.setprofile(None)
        threading.setprofile(None)


class MissingDependency(Exception):
    """A call needs the saved result of an earlier call that failed."""


class Worker:
    def __init__(self, read_fd: int, write_fd: int):
        self.read_fd, self.write_fd = read_fd, write_fd
        self.module = None
        self.path = None
        self.saved: dict[str, object] = {}
        self.missing: MissingImports | None = None

    def serve(self) -> None:
        while True:
            try:
                header, buffers = protocol.read_message(self.read_fd)
            except protocol.Closed:
                return
            op = header.get("op")
            if op == "import":
                self.reply(self.load(header["path"]))
            elif op == "run":
                # One reply per call, written before the next call starts: replies are never held
                # back to be sent together. Holding any back while student code runs can lose them
                # (os._exit or a segfault in the next call leaves nothing to flush them, and a C
                # call that keeps the GIL starves a flusher thread), so that the grader would
                # blame the wrong call. The pipe coalesces them anyway: the grader's Reader takes
                # in every reply written so far with one read and cuts each out of its buffer.
                for step in header["steps"]:
                    self.reply(*self.run_step(step, buffers))
            elif op == "forget":
                self.saved.clear()
                self.reply({"status": "ok"})
            else:
                return

    def reply(self, header: dict, buffers: list[bytes] | None = None) -> None:
        self.flush_student_output()
        protocol.write_message(self.write_fd, header, buffers or [])

    @staticmethod
    def flush_student_output() -> None:
        """Flush what the student printed; past the output file's size limit, drop it instead.

        A full output file makes every flush fail (EFBIG): the worker must not die of it.
        """
        for name in ("stdout", "stderr"):
            stream = getattr(sys, name)
            try:
                stream.flush()
            except (OSError, ValueError):
                setattr(sys, name, open(os.devnull, "w"))

    def load(self, path: str) -> dict:
        self.path = os.path.realpath(path)
        folder = os.path.dirname(self.path)
        sys.path.insert(0, folder)
        self.show_warnings_relative()
        started = time.perf_counter()
        try:
            package, made_up = self.package_of(folder)
            self.missing = MissingImports(folder, package, made_up)
            name = f"{package}.{os.path.splitext(os.path.basename(self.path))[0]}" if package else MODULE_NAME
            spec = importlib.util.spec_from_file_location(name, self.path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = sys.modules[MODULE_NAME] = module
            with self.missing.active(deferring=True):
                spec.loader.exec_module(module)
        except BaseException as error:  # noqa: BLE001 - a student's SystemExit is an error too
            return {"status": "error", "error": self.describe(error),
                    "seconds": time.perf_counter() - started}
        self.module = module
        return {"status": "ok", "seconds": time.perf_counter() - started}

    def package_of(self, folder: str) -> tuple[str | None, bool]:
        """(package, made up) the submission is imported into, so that its imports of the files beside
        it work as they did on the student's machine: the folder's own name for a package the
        student zipped (cs231n/, with its __init__.py or imported by name: `from cs231n.im2col import
        *` and `from .fast_layers import *` both work), a made-up one for a loose file with relative
        imports, none otherwise. The package's __init__.py is not run: it is the course's (usually
        empty), and running it could only fail the file for an import it makes."""
        name = os.path.basename(folder)
        relative, absolute = self.imported_roots()
        usable = name.isidentifier() and not keyword.iskeyword(name) and name not in sys.modules \
            and name not in (MODULE_NAME, MADE_UP_PACKAGE)
        if usable and (os.path.isfile(os.path.join(folder, "__init__.py")) or name in absolute):
            package, made_up = name, False
        elif relative:
            package, made_up = MADE_UP_PACKAGE, True
        else:
            return None, False
        module = types.ModuleType(package)
        module.__path__ = [folder]
        module.__package__ = package
        sys.modules[package] = module
        return package, made_up

    def imported_roots(self) -> tuple[bool, set[str]]:
        """Whether the file imports relatively, and the first names of what it imports absolutely."""
        try:
            with open(self.path, "rb") as file:
                tree = ast.parse(file.read())
        except (OSError, SyntaxError, ValueError):
            return False, set()    # the import itself then says what is wrong
        relative, absolute = False, set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                relative |= node.level > 0
                if node.level == 0 and node.module:
                    absolute.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                absolute.update(alias.name.split(".")[0] for alias in node.names)
        return relative, absolute

    def show_warnings_relative(self) -> None:
        """A warning the student's code triggers names their file as `layers.py:81`, as tracebacks
        do, not with the folder where the grader stored it; one raised inside numpy as
        `numpy/_core/_methods.py:208`, not with where this machine installed it."""
        folders = [os.path.dirname(self.path) + os.sep, os.path.dirname(os.path.dirname(np.__file__)) + os.sep]
        plain = warnings.formatwarning

        def formatwarning(message, category, filename, lineno, line=None):
            shown = plain(message, category, filename, lineno, line)
            for folder in folders:
                shown = shown.replace(folder, "")
            return shown
        warnings.formatwarning = formatwarning

    def resolve(self, name: str, index):
        if name not in self.saved:
            raise MissingDependency(name)
        value = self.saved[name]
        return value if index is None else value[index]

    def run_step(self, step: dict, buffers: list[bytes]) -> tuple[dict, list[bytes]]:
        if step.get("helper") is not None:
            return self.run_helper(step, buffers)
        if step.get("patch"):
            try:
                function = self.patched(step["fn"], step["patch"])
            except BaseException as error:  # noqa: BLE001 - the changed source is the student's code too
                return {"status": "error", "error": self.describe(error)}, []
        else:
            function = getattr(self.module, step["fn"], None)
        if not callable(function):
            return {"status": "missing"}, []
        try:
            args = [protocol.decode(a, buffers, self.resolve) for a in step["args"]]
            kwargs = {k: protocol.decode(v, buffers, self.resolve) for k, v in step["kwargs"].items()}
        except (MissingDependency, LookupError, TypeError):
            return {"status": "skipped"}, []
        counter = CallCounter(getattr(self.module, step["count"], None)) if step.get("count") else None
        started = time.perf_counter()
        try:
            with counter or contextlib.nullcontext(), self.stand_ins():
                result = function(*args, **kwargs)
        except NotImplementedError as error:
            return {"status": "not_implemented", "error": self.describe(error)}, []
        except BaseException as error:  # noqa: BLE001
            return {"status": "error", "error": self.describe(error),
                    "seconds": time.perf_counter() - started}, []
        seconds = time.perf_counter() - started
        if step.get("save"):
            self.saved[step["save"]] = result
        if step.get("save_args"):
            self.saved[step["save_args"]] = args
        out_buffers: list[bytes] = []
        response = {"status": "ok", "seconds": seconds, "shape": self.outline(result),
                    "value": protocol.encode(self.wanted(result, step.get("want")), out_buffers)}
        if counter is not None:
            response["counted"] = counter.count
        if step.get("return_args"):
            response["args_after"] = [protocol.encode(a, out_buffers) for a in args]
        return response, out_buffers

    def patched(self, name: str, patch: str):
        """The submission's function `name` in a copy of the module where the functions defined by
        `patch` (the grader's change of the student's own source) replace theirs. The module is untouched."""
        return rebinding.namespace_with(self.module, compile(patch, self.path or MODULE_NAME, "exec")).get(name)

    def stand_ins(self):
        """While a function runs, a module it imports that is missing is a stand-in too."""
        return self.missing.active() if self.missing is not None else contextlib.nullcontext()

    def run_helper(self, step: dict, buffers: list[bytes]) -> tuple[dict, list[bytes]]:
        """A trusted helper runs the student's class on the step's arguments (an autograd program);
        it returns numbers, and the student's exception, if any, is described as a call's is."""
        helper = HELPERS.get(step["helper"])
        if helper is None or not callable(getattr(self.module, step["fn"], None)):
            return {"status": "missing"}, []
        try:
            args = [protocol.decode(a, buffers, self.resolve) for a in step["args"]]
        except (MissingDependency, LookupError, TypeError):
            return {"status": "skipped"}, []
        started = time.perf_counter()
        try:
            with self.stand_ins():
                value, error = helper(self.module, *args)
        except BaseException as failure:  # noqa: BLE001 - reading the student's module itself raised
            value, error = None, failure
        out_buffers: list[bytes] = []
        response = {"status": "ok", "seconds": time.perf_counter() - started,
                    "value": protocol.encode(value, out_buffers)}
        if error is not None:
            response["error"] = self.describe(error)
        return response, out_buffers

    @staticmethod
    def wanted(result, want):
        """The parts of the result the grader asked for; a cache is usually left behind."""
        if want is None:
            return result
        if type(result) not in (tuple, list):
            return result
        return tuple(result[i] if i < len(result) else protocol.Opaque("missing") for i in want)

    @staticmethod
    def outline(result) -> dict:
        """What the result looks like, so the grader can say "returned 1 value, expected 2"."""
        if type(result) in (tuple, list):
            return {"type": type(result).__name__, "len": len(result)}
        return {"type": protocol._type_name(result)}

    def describe(self, error: BaseException) -> dict:
        """The student's exception with the traceback trimmed to the student's own frames, and
        paths shown relative to the submission's folder (where submissions are stored is not
        theirs to know)."""
        # Frames of the student's files: the submission, and the files beside it (a zipped package).
        folder = os.path.dirname(self.path or "") + os.sep
        frames = [f for f in traceback.extract_tb(error.__traceback__)
                  if self.path and os.path.realpath(f.filename).startswith(folder)]
        message = "".join(traceback.format_exception_only(type(error), error)).strip()
        if isinstance(error, MemoryError):
            message += " (ran out of memory: the limit is 1 GiB)"
        text = "".join(traceback.format_list(frames)) + message
        if self.path:
            text = text.replace(os.path.dirname(self.path) + os.sep, "")
            message = message.replace(os.path.dirname(self.path) + os.sep, "")
        described = {"type": type(error).__name__, "message": message[:2000], "traceback": text[-4000:],
                     "lines": [f.lineno for f in frames if os.path.realpath(f.filename) == self.path][-50:]}
        if isinstance(error, ModuleNotFoundError) and isinstance(error.name, str) and self.missing is not None:
            described["module"] = self.missing.shown(error.name)    # named in the hint, even on a hidden case
        return described
