"""The wire format between the grader and a worker running student code.

A message is a 4-byte big-endian header length, a JSON header, then raw array buffers whose
lengths the header lists. Values are tagged JSON trees; arrays travel as raw bytes with a dtype
and a shape. Nothing is ever pickled: unpickling what a student's process wrote would run the
student's code in the grader.

This module imports only numpy and the standard library, because the worker (a process that
imports student code) loads it too. Decoding is strict: it is the only door from the student's
process into the grader, so everything is validated — tags, dtypes against a whitelist, shapes
against buffer sizes, sizes and depth against caps. A value it cannot describe safely becomes an
`Opaque` naming the type, which checks report as "returned an object of type X".
"""
from __future__ import annotations

import json
import json.scanner
import os
import select
import struct
import time
from dataclasses import dataclass

import numpy as np

HEADER = struct.Struct("!I")
MAX_HEADER_BYTES = 8 * 1024 * 1024
MAX_MESSAGE_BYTES = 256 * 1024 * 1024
MAX_DEPTH = 8
MAX_ITEMS = 10_000
MAX_STRING = 10_000

# Only plain numeric dtypes cross the boundary; object, void, string and datetime never do.
ALLOWED_DTYPES = frozenset(
    np.dtype(name).str for name in (
        "float64", "float32", "float16", "int64", "int32", "int16", "int8",
        "uint64", "uint32", "uint16", "uint8", "bool", "complex128", "complex64",
    )
)


class ProtocolError(Exception):
    """A message that does not follow the format, or exceeds a cap."""


@dataclass(frozen=True)
class Opaque:
    """Stands for a value that cannot cross the boundary (a cache object, a subclass, a module)."""
    type_name: str

    def __repr__(self) -> str:
        return f"<{self.type_name}>"


@dataclass(frozen=True)
class Ref:
    """In a request: a value kept in the worker under `name` (optionally one element of it)."""
    name: str
    index: int | None = None


# ---------------------------------------------------------------------------------------------
# Encoding (both sides)

def encode(value, buffers: list[bytes], depth: int = 0, shared: dict | None = None) -> dict:
    """Turn a value into a tagged JSON tree, appending array bytes to `buffers`.

    `shared` (id -> buffer index), for a request: an array object passed to several calls of one
    message is sent once. Decoding copies it for every place it appears, as if sent each time."""
    if depth > MAX_DEPTH:
        return {"t": "opaque", "type": "nesting too deep"}
    if isinstance(value, Ref):
        return {"t": "ref", "name": value.name, "index": value.index}
    if isinstance(value, Opaque):
        return {"t": "opaque", "type": value.type_name}
    if type(value) is np.ndarray:
        if shared is not None and id(value) in shared:
            return {"t": "nd", "dtype": value.dtype.str, "shape": list(value.shape), "buf": shared[id(value)]}
        tree = _encode_array(value, "nd", buffers)
        if shared is not None and "buf" in tree:
            shared[id(value)] = tree["buf"]
        return tree
    if isinstance(value, np.ndarray):
        return {"t": "opaque", "type": f"{type(value).__name__} (a subclass of numpy.ndarray)"}
    if isinstance(value, np.generic) and type(value) in _SCALAR_TYPES:
        return _encode_array(np.asarray(value), "np", buffers)
    if value is None:
        return {"t": "none"}
    if type(value) is bool:
        return {"t": "bool", "v": value}
    if type(value) is int:
        return {"t": "int", "v": str(value)} if abs(value) < 10**300 else {"t": "opaque", "type": "int"}
    if type(value) is float:
        return {"t": "float", "v": value.hex()}
    if type(value) is str:
        return {"t": "str", "v": value[:MAX_STRING]}
    if type(value) in (tuple, list):
        items = [encode(item, buffers, depth + 1, shared) for item in value[:MAX_ITEMS]]
        return {"t": type(value).__name__, "items": items}
    if type(value) is dict and all(type(k) is str for k in value):
        return {"t": "dict", "items": {k: encode(v, buffers, depth + 1, shared)
                                       for k, v in list(value.items())[:MAX_ITEMS]}}
    return {"t": "opaque", "type": _type_name(value)}


_SCALAR_TYPES = frozenset(np.dtype(d).type for d in ALLOWED_DTYPES)
_DTYPES = {name: np.dtype(name) for name in ALLOWED_DTYPES}
_MAX_DIM = 2**40


def _encode_array(array: np.ndarray, tag: str, buffers: list[bytes]) -> dict:
    if array.dtype.str not in ALLOWED_DTYPES:
        return {"t": "opaque", "type": f"numpy array of dtype {array.dtype}"}
    buffers.append(np.ascontiguousarray(array).tobytes())
    return {"t": tag, "dtype": array.dtype.str, "shape": list(array.shape), "buf": len(buffers) - 1}


def _type_name(value) -> str:
    kind = type(value)
    module = getattr(kind, "__module__", "") or ""
    name = getattr(kind, "__qualname__", "object")
    return name if module in ("builtins", "") else f"{module}.{name}"


# ---------------------------------------------------------------------------------------------
# Decoding (strict: the grader decodes what a student's process wrote)

def decode(tree, buffers: list[bytes], resolve_ref=None, depth: int = 0, claimed: set[int] | None = None):
    """Rebuild a value from a tagged tree. Arrays are fresh, writable and plain np.ndarray.

    `claimed` (for a reply, decoded by the grader): the buffers already turned into arrays. Each
    buffer then becomes one array at most, so that a reply decodes to no more bytes than it
    carried: a request may send one array to several calls (encode's `shared`), but a reply that
    points sixty-four arrays at one 16 MiB buffer is asking the grader for a gigabyte."""
    # One level deeper than encode() nests containers: where it stops, it leaves an opaque marker.
    if depth > MAX_DEPTH + 1 or not isinstance(tree, dict):
        raise ProtocolError("malformed value")
    tag = tree.get("t")
    # The most frequent tags first: a reply is mostly arrays, in a tuple.
    if tag == "nd":
        return _decode_array(tree, buffers, claimed)
    if tag == "tuple" or tag == "list":
        items = tree.get("items")
        if type(items) is not list:
            raise ProtocolError("expected list")
        if len(items) > MAX_ITEMS:
            raise ProtocolError("too many items")
        decoded = [decode(item, buffers, resolve_ref, depth + 1, claimed) for item in items]
        return tuple(decoded) if tag == "tuple" else decoded
    if tag == "np":
        return _decode_array(tree, buffers, claimed)[()]
    if tag == "none":
        return None
    if tag == "bool":
        return _expect(tree.get("v"), bool)
    if tag == "int":
        text = _expect(tree.get("v"), str)
        if len(text) > 310:
            raise ProtocolError("integer too long")
        return _number(int, text)
    if tag == "float":
        return _number(float.fromhex, _expect(tree.get("v"), str))
    if tag == "str":
        return _expect(tree.get("v"), str)[:MAX_STRING]
    if tag == "dict":
        items = _expect(tree.get("items"), dict)
        if len(items) > MAX_ITEMS:
            raise ProtocolError("too many items")
        return {str(k): decode(v, buffers, resolve_ref, depth + 1, claimed) for k, v in items.items()}
    if tag == "opaque":
        return Opaque(str(tree.get("type", "object"))[:200])
    if tag == "ref" and resolve_ref is not None:
        return resolve_ref(_expect(tree.get("name"), str), tree.get("index"))
    raise ProtocolError("unknown value tag")


def _number(parse, text: str):
    # Python's own message quotes the text: a forged reply's text must not reach a report.
    try:
        return parse(text)
    except (ValueError, OverflowError):
        raise ProtocolError("malformed number") from None


def _expect(value, kind):
    if type(value) is not kind:
        raise ProtocolError(f"expected {kind.__name__}")
    return value


def _decode_array(tree: dict, buffers: list[bytes], claimed: set[int] | None = None) -> np.ndarray:
    dtype_str = tree.get("dtype")
    if type(dtype_str) is not str:
        raise ProtocolError("expected str")
    dtype = _DTYPES.get(dtype_str)
    if dtype is None:
        raise ProtocolError("an array's dtype is not allowed")
    shape = tree.get("shape")
    if type(shape) is not list:
        raise ProtocolError("expected list")
    if len(shape) > 32:
        raise ProtocolError("invalid shape")
    size = dtype.itemsize
    for n in shape:
        if type(n) is not int or not 0 <= n < _MAX_DIM:
            raise ProtocolError("invalid shape")
        size *= n
    index = tree.get("buf")
    if type(index) is not int:
        raise ProtocolError("expected int")
    if not 0 <= index < len(buffers):
        raise ProtocolError("buffer index out of range")
    if claimed is not None:
        if index in claimed:
            raise ProtocolError("one buffer is used by several arrays")
        claimed.add(index)
    data = buffers[index]
    if size != len(data):
        raise ProtocolError("array size does not match its shape")
    return np.frombuffer(data, dtype=dtype).reshape(shape).copy()


# ---------------------------------------------------------------------------------------------
# Framing

# json.dumps builds a new encoder for every call that asks for compact separators. A header
# cannot hold a cycle (encode() builds every tree, depth-capped), so none is looked for.
_dump_header = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode


def pack(header: dict, buffers: list[bytes]) -> bytes:
    """One message: header (with the buffer lengths added) followed by the buffers."""
    header = dict(header, buffers=[len(b) for b in buffers])
    head = _dump_header(header).encode()
    return b"".join([HEADER.pack(len(head)), head, *buffers])


def write_message(fd: int, header: dict, buffers: list[bytes]) -> None:
    data = memoryview(pack(header, buffers))
    while data:
        written = os.write(fd, data)
        data = data[written:]


class Timeout(Exception):
    """No complete message arrived before the deadline."""


class Closed(Exception):
    """The other side closed its end (the worker exited)."""


def read_message(fd: int, deadline: float | None = None) -> tuple[dict, list[bytes]]:
    """Read one message; `deadline` is a time.monotonic() value (None waits forever)."""
    return _parse_message(lambda size: _read_exactly(fd, size, deadline))


def _parse_message(read_exactly, max_bytes: int = MAX_MESSAGE_BYTES) -> tuple[dict, list[bytes]]:
    (head_len,) = HEADER.unpack(read_exactly(HEADER.size))
    if head_len > MAX_HEADER_BYTES:
        raise ProtocolError("header too large")
    header = _loads_header(read_exactly(head_len))
    if not isinstance(header, dict):
        raise ProtocolError("header is not an object")
    lengths = header.pop("buffers", [])
    if not isinstance(lengths, list) or not all(type(n) is int and n >= 0 for n in lengths):
        raise ProtocolError("invalid buffer lengths")
    total = sum(lengths)
    if total > max_bytes:
        raise ProtocolError("message too large")
    # Every buffer in one read: a plan carries hundreds of small arrays.
    body, buffers, at = read_exactly(total), [], 0
    for n in lengths:
        buffers.append(body[at:at + n])
        at += n
    return header, buffers


_scan_json = json.scanner.make_scanner(json.JSONDecoder())


def _loads_header(head: bytes):
    """json.loads of a header; a header as pack() writes it (one JSON value, no whitespace
    around it) skips json.loads's detour through whitespace regexes, anything else takes it."""
    try:
        text = head.decode("utf-8")
        try:
            header, end = _scan_json(text, 0)
        except (StopIteration, ValueError):
            end = -1
        if end != len(text):
            header = json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise ProtocolError("header is not JSON") from error
    return header


def _wait_readable(fd: int, deadline: float | None) -> None:
    if deadline is not None:
        wait = deadline - time.monotonic()
        if wait <= 0 or not select.select([fd], [], [], wait)[0]:
            raise Timeout()


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes:
    chunks, remaining = [], size
    while remaining:
        _wait_readable(fd, deadline)
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise Closed()
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


class Reader:
    """Reads messages from one pipe through a buffer, the same way read_message does.

    A worker answers a batch with one reply per call, usually faster than the grader reads them:
    one read then takes in many replies, instead of a select and three reads for each."""

    # What a pipe holds (64 KiB unless enlarged, which the runner never does): one read returns no
    # more, and asking for more costs a larger allocation on every read (1 MiB: ~25 us each).
    CHUNK = 1 << 16

    def __init__(self, fd: int, max_message_bytes: int = MAX_MESSAGE_BYTES):
        self.fd = fd
        self.max_message_bytes = max_message_bytes
        self._data = b""
        self._start = 0

    def read_message(self, deadline: float | None = None) -> tuple[dict, list[bytes]]:
        # Fast path: the whole message is already in the buffer (the usual case when the worker
        # answers faster than the grader reads), so it is cut out without waiting or reading.
        # Only the decisions of _parse_message below, in the same order; anything it would reject
        # or wait for is left to it, from the same position.
        data, start = self._data, self._start
        if len(data) - start >= HEADER.size:
            (head_len,) = HEADER.unpack_from(data, start)
            head_end = start + HEADER.size + head_len
            if head_len <= MAX_HEADER_BYTES and head_end <= len(data):
                try:
                    header = _loads_header(data[start + HEADER.size:head_end])
                except ProtocolError:
                    header = None
                if type(header) is dict:
                    lengths = header.pop("buffers", [])
                    if (type(lengths) is list and all(type(n) is int and n >= 0 for n in lengths)
                            and head_end + sum(lengths) <= len(data)
                            and sum(lengths) <= self.max_message_bytes):
                        buffers, at = [], head_end
                        for n in lengths:
                            buffers.append(data[at:at + n])
                            at += n
                        self._start = at
                        return header, buffers
        return _parse_message(lambda size: self._read_exactly(size, deadline), self.max_message_bytes)

    def _read_exactly(self, size: int, deadline: float | None) -> bytes:
        available = len(self._data) - self._start
        if available < size:
            chunks = [self._data[self._start:]]
            try:
                while available < size:
                    _wait_readable(self.fd, deadline)
                    chunk = os.read(self.fd, self.CHUNK)
                    if not chunk:
                        raise Closed()
                    chunks.append(chunk)
                    available += len(chunk)
            finally:   # joined once, not once per read (a large array comes in many reads)
                self._data = b"".join(chunks)
                self._start = 0
        piece = self._data[self._start:self._start + size]
        self._start += size
        return piece
