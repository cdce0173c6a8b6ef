"""Turning a worker's response into an Outcome: strict, since the worker runs student code."""
from __future__ import annotations

import re

from .calls import Outcome
from .protocol import ProtocolError, decode

_STATUSES = {"ok", "error", "missing", "not_implemented", "skipped"}
_MODULE = re.compile(r"\.?[A-Za-z_]\w{0,63}(\.[A-Za-z_]\w{0,63}){0,5}", re.ASCII)


def decode_outcome(header: dict, buffers: list[bytes]) -> Outcome:
    """Validate one response. Anything malformed becomes an `invalid` outcome, never an exception."""
    status = header.get("status")
    if status not in _STATUSES:
        return Outcome("invalid", detail="the worker sent a response the grader could not read")
    claimed: set[int] = set()    # one array per buffer: a reply decodes to no more than it carried
    try:
        value = decode(header["value"], buffers, claimed=claimed) if "value" in header else None
        args_after = header.get("args_after")
        args_after = ([decode(a, buffers, claimed=claimed) for a in args_after]
                      if isinstance(args_after, list) else None)
    except ProtocolError as error:   # its messages are the grader's own words, never the reply's
        return Outcome("invalid", detail=f"your function returned something the grader cannot read ({error})")
    except (KeyError, ValueError, OverflowError):
        return Outcome("invalid", detail="your function returned something the grader cannot read")
    return Outcome(
        status=status,
        value=value,
        args_after=args_after,
        outline=_clean_outline(header.get("shape")),
        error=_clean_error(header["error"]) if "error" in header else None,
        seconds=_number(header.get("seconds")),
        counted=header["counted"] if type(header.get("counted")) is int else None,
    )


def _clean_outline(outline) -> dict:
    if not isinstance(outline, dict):
        return {}
    clean = {}
    kind, length = outline.get("type"), outline.get("len")
    if isinstance(kind, str):
        clean["type"] = kind[:200]
    if type(length) is int:
        clean["len"] = length
    return clean


def _clean_error(error) -> dict | None:
    if not isinstance(error, dict):
        return None
    clean = {key: str(error.get(key, ""))[:4000] for key in ("type", "message", "traceback")}
    lines = error.get("lines")
    # The student's file's line numbers the exception went through (what a hidden check shows).
    clean["lines"] = [n for n in lines[:50] if type(n) is int] if isinstance(lines, list) else []
    module = error.get("module")
    if isinstance(module, str) and _MODULE.fullmatch(module):
        clean["module"] = module     # a ModuleNotFoundError's module, as the student's file imports it
    return clean


def _number(value) -> float:
    return float(value) if type(value) in (int, float) else 0.0
