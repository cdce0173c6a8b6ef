"""Run a function in a forked child and get back what it returned (as text) — for testing
sandbox layers that change the process that applies them."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

SANDBOX_DIR = Path(__file__).resolve().parents[3] / "grader" / "sandbox"


@pytest.fixture
def in_child():
    """in_child(fn) -> str: fn() run in a fork, its return value (str) or 'raised: ...'."""
    if str(SANDBOX_DIR) not in sys.path:
        sys.path.insert(0, str(SANDBOX_DIR))   # the layers are loaded by plain name, as in the zygote

    def run(fn) -> str:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            _forget_namesakes()
            try:
                answer = str(fn())
            except BaseException as error:  # noqa: BLE001
                answer = f"raised: {type(error).__name__}: {error}"
            os.write(write_end, answer.encode()[:65000])
            os._exit(0)
        os.close(write_end)
        chunks = []
        while chunk := os.read(read_end, 65536):
            chunks.append(chunk)
        os.close(read_end)
        os.waitpid(pid, 0)
        return b"".join(chunks).decode()
    return run


def _forget_namesakes() -> None:
    """The layers have plain names (limits, seccomp, ...) that installed packages may share: the
    server's flask-limiter brings a `limits` package, which an earlier test may have imported.
    In the child, forget any such namesake so `import limits` finds the sandbox's own layer."""
    for layer in SANDBOX_DIR.glob("*.py"):
        module = sys.modules.get(layer.stem)
        if module is not None and Path(getattr(module, "__file__", "") or "").parent != SANDBOX_DIR:
            del sys.modules[layer.stem]
