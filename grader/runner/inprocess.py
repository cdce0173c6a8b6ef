"""Runs student code inside the grader's own process: for a student debugging on their laptop.

Never used for hidden checks or by the server: the student's code could read everything the
grader holds. It goes through the same encoding as the process runner, so results are identical.
"""
from __future__ import annotations

import contextlib
import io
import os

from .calls import Call, Outcome, encode_calls
from .outcome_decoding import decode_outcome
from .worker_main import Worker


class InProcessRunner:
    def __init__(self, path: str | os.PathLike, **_ignored):
        self._worker = Worker(-1, -1)
        self._stdout = io.StringIO()
        with contextlib.redirect_stdout(self._stdout), contextlib.redirect_stderr(self._stdout):
            header = self._worker.load(str(path))
        self._load_error = None if header["status"] == "ok" else decode_outcome(header, [])

    def __enter__(self) -> "InProcessRunner":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def load_error(self) -> Outcome | None:
        return self._load_error

    def run(self, calls: list[Call]) -> list[Outcome]:
        if self._load_error is not None:
            return [self._load_error] * len(calls)
        request, buffers = encode_calls(calls)
        outcomes = []
        with contextlib.redirect_stdout(self._stdout), contextlib.redirect_stderr(self._stdout):
            for step in request["steps"]:
                header, out_buffers = self._worker.run_step(step, buffers)
                outcomes.append(decode_outcome(header, out_buffers))
        return outcomes

    def aside(self) -> "InProcessRunner":
        """Debugging on a laptop: the same process (what it prints is the student's own business)."""
        return self

    def plan(self, batches: list[list[Call]]) -> None:
        """Nothing to send ahead: there is no pipe to wait on."""

    def end_plan(self) -> bool:
        return True

    def captured_output(self) -> str:
        return self._stdout.getvalue()[-64 * 1024:]

    def close(self) -> None:
        pass
